import Foundation
import Testing

/// One fenced block of a Markdown page, with the `<!-- example: ... -->` marker words of the line
/// before its fence.
public struct DocsBlock: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    /// Relative to the repository root.
    public var file: String
    /// The fence's line, 1-based.
    public var line: Int
    public var language: String
    public var markers: Set<String>
    public var text: String

    public var description: String { "\(file):\(line)" }
    public var testDescription: String { "\(file):\(line) (\(language))" }

    /// The commands: the text itself, or for a `console` block the lines after `$ `.
    public var script: String {
        guard language == "console" else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("$ ") }.map { String($0.dropFirst(2)) }.joined(separator: "\n") + "\n"
    }

    /// `README.md` and every `docs/*.md`.
    public static func all(in repository: URL) throws -> [DocsBlock] {
        let docs = repository.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return try (["README.md"] + pages).flatMap { page in
            try parse(String(contentsOf: repository.appendingPathComponent(page), encoding: .utf8), file: page)
        }
    }

    public static func parse(_ markdown: String, file: String) -> [DocsBlock] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [DocsBlock] = []
        var index = 0
        while index < lines.count {
            let opening = lines[index].trimmingCharacters(in: .whitespaces)
            guard opening.hasPrefix("```") else {
                index += 1
                continue
            }
            let indent = lines[index].prefix { $0 == " " }.count
            let language = String(opening.dropFirst(3)).trimmingCharacters(in: .whitespaces)
            var markers: Set<String> = []
            if index > 0 {
                let previous = lines[index - 1].trimmingCharacters(in: .whitespaces)
                if previous.hasPrefix("<!-- example:"), previous.hasSuffix("-->") {
                    let words = previous.dropFirst("<!-- example:".count).dropLast("-->".count)
                    markers = Set(words.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init))
                }
            }
            var body: [String] = []
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(String(lines[end].dropFirst(min(indent, lines[end].prefix { $0 == " " }.count))))
                end += 1
            }
            blocks.append(DocsBlock(
                file: file, line: index + 1, language: language, markers: markers, text: body.joined(separator: "\n") + "\n"))
            index = end + 1
        }
        return blocks
    }
}

/// Runs a shell example the way docs/testing.md says: bash in a fresh temporary directory with
/// links to the repository's data folders, the built binaries first on `PATH`.
public struct DocsExampleRunner {
    public var repository: URL
    /// `$PREFAB_HOME` for the example; nil: `.prefab` in its temporary directory.
    public var home: String?

    public init(repository: URL, home: String? = nil) {
        self.repository = repository
        self.home = home
    }

    /// The folder that holds the built `prefab` and `prefab-sim`.
    var binaries: URL {
        get throws {
            _ = try BuiltProduct.path("prefab-sim")
            return URL(fileURLWithPath: try BuiltProduct.path("prefab")).deletingLastPathComponent()
        }
    }

    public func run(_ block: DocsBlock, timeout: TimeInterval) async throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for folder in ["configs", "datasets", "judges", "rubrics"] {
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(folder), withDestinationURL: repository.appendingPathComponent(folder))
        }
        let bin = try binaries
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["PREFAB_REPO"] = repository.path
        environment["PREFAB_HOME"] = home ?? directory.appendingPathComponent(".prefab").path

        var simulator: Process?
        defer {
            if let simulator, simulator.isRunning {
                simulator.terminate()
                simulator.waitUntilExit()
            }
        }
        if block.markers.contains("sim") {
            let (process, url) = try await Self.startSimulator(bin.appendingPathComponent("prefab-sim"))
            simulator = process
            environment["PREFAB_SIM_URL"] = url
        }

        let script = directory.appendingPathComponent(".example.sh")
        try ("set -eo pipefail\n" + block.script).write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        process.currentDirectoryURL = directory
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = Task.detached {
            try await Task.sleep(for: .seconds(timeout))
            if process.isRunning { process.terminate() }
        }
        // On a thread of its own: an example can run for minutes on the local model.
        nonisolated(unsafe) let running = process
        let text = try await onOwnThread { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            running.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        watchdog.cancel()
        return (process.terminationStatus, text)
    }

    /// Starts `prefab-sim --port 0` and returns it with its base URL (from its first line).
    static func startSimulator(_ executable: URL) async throws -> (Process, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port", "0", "--seed", "7", "--threads", "1"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = try await output.fileHandleForReading.firstLine()
        output.fileHandleForReading.drainInBackground()
        let prefix = "prefab-sim listening on "
        guard line.hasPrefix(prefix) else {
            process.terminate()
            throw DocsExampleError(message: "prefab-sim did not start: \(line)")
        }
        return (process, String(line.dropFirst(prefix.count)))
    }
}

public struct DocsExampleError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
