import Foundation
import Testing

@testable import Prefab

/// The examples in `README.md` and `docs/*.md`, checked so they cannot rot. The conventions are
/// in docs/testing.md ("Tested documentation"):
///
/// - every ```yaml block that is a run config, a sampling config, a judge ensemble, an
///   `endpoints:` list or one endpoint loads with Prefab's own loaders; `<!-- example: fragment -->`
///   on the line before the fence skips a block, `<!-- example: invalid -->` makes it a block that
///   must be rejected, `root` places it at the repository root instead of `configs/`;
/// - every ```sh / ```console block marked `<!-- example: run -->` runs with bash in a fresh
///   temporary directory (`prefab` and `prefab-sim` on `PATH`, `$PREFAB_REPO` the repository) and
///   exits 0; `run sim` also gets a `prefab-sim` at `$PREFAB_SIM_URL`;
/// - `<!-- example: local-model -->` blocks are left to `DocsLocalModelExamplesTests`.
@Suite struct DocsExamplesTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let blocks: [DocsBlock] = (try? DocsBlock.all(in: repository)) ?? []
    static let yamlBlocks = blocks.filter { $0.language == "yaml" && !$0.markers.contains("fragment") }
    static let runBlocks = blocks.filter { ["sh", "console", "bash"].contains($0.language) && $0.markers.contains("run") }

    @Test func pagesAreFoundAndMarkersAreKnown() throws {
        let blocks = try DocsBlock.all(in: Self.repository)
        #expect(Set(blocks.map(\.file)).contains("README.md"))
        #expect(blocks.contains { $0.file == "docs/configuration.md" && $0.language == "yaml" })
        #expect(Self.yamlBlocks.count >= 5, "YAML examples checked: \(Self.yamlBlocks.count)")
        #expect(Self.runBlocks.count >= 3, "shell examples run: \(Self.runBlocks.count)")
        let known: Set<String> = ["fragment", "invalid", "root", "run", "sim", "local-model"]
        for block in blocks {
            let unknown = block.markers.subtracting(known)
            #expect(unknown.isEmpty, "\(block): unknown example marker(s) \(unknown.sorted())")
            let shell = ["sh", "console", "bash"].contains(block.language)
            if !block.markers.isDisjoint(with: ["run", "sim", "local-model"]) {
                #expect(shell, "\(block): run and local-model are for sh/console blocks")
            }
            if !block.markers.isDisjoint(with: ["fragment", "invalid", "root"]) {
                #expect(block.language == "yaml", "\(block): fragment, invalid and root are for yaml blocks")
            }
        }
    }

    @Test(arguments: yamlBlocks) func yamlExampleLoads(_ block: DocsBlock) throws {
        let directory = block.markers.contains("root") ? Self.repository : Self.repository.appendingPathComponent("configs")
        let file = directory.appendingPathComponent(".docs-example-\(UUID().uuidString).yaml").path
        try block.text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome: Result<String, any Error>
        do {
            outcome = .success(try Self.load(file))
        } catch let error as UnclassifiedExample {
            Issue.record("\(block): \(error.message)")
            return
        } catch {
            outcome = .failure(error)
        }
        switch (outcome, block.markers.contains("invalid")) {
        case (.success(let kind), true):
            Issue.record("\(block): marked invalid, but it loads as \(kind)")
        case (.failure(let error), false):
            Issue.record("\(block): \(error)")
        default:
            break
        }
    }

    @Test(.serialized, arguments: runBlocks) func shellExampleRuns(_ block: DocsBlock) async throws {
        let result = try await DocsExampleRunner(repository: Self.repository).run(block, timeout: 120)
        #expect(result.status == 0, "\(block) exited \(result.status):\n\(block.script)\n--- output ---\n\(result.output)")
    }

    struct UnclassifiedExample: Error {
        var message: String
    }

    /// Loads `file` with the loader its top-level keys call for; returns what it was.
    static func load(_ file: String) throws -> String {
        let document = try ConfigDocument(contentsOf: file)
        func has(_ key: String) -> Bool { document.node(at: [ConfigKey(stringValue: key)]) != nil }
        let judgesIsAFile = (try? document.decode(String.self, at: [ConfigKey(stringValue: "judges")])) != nil
        if has("endpoints") && has("pool") {
            if has("judges") || has("pairing") || has("window") {
                _ = try RunSetup.load(file: file, environment: [:])
                return "a run config"
            }
            _ = try SamplingSetup.load(file: file)
            return "a sampling config"
        }
        if has("judges") && !judgesIsAFile {
            let configuration = try document.decode(EnsembleConfiguration.self)
            let names = Set(configuration.judges.compactMap(\.endpoint))
            let endpoints = names.sorted().map {
                EndpointConfiguration(name: $0, provider: .openAICompatible, baseURL: "http://127.0.0.1:9/v1", model: "docs")
            }
            _ = try JudgeEnsemble.load(file: file, endpoints: EndpointSet(endpoints, environment: [:]))
            return "a judge ensemble"
        }
        if has("endpoints") {
            if has("diversity") {
                _ = try RunDiversityConfiguration.read(from: document)
                return "endpoints with a diversity block"
            }
            _ = try EndpointsFile.load(file: file)
            return "an endpoints list"
        }
        if has("name") && has("provider") {
            try document.decode(EndpointConfiguration.self).validate()
            return "an endpoint"
        }
        throw UnclassifiedExample(
            message: "not a run config, ensemble, endpoints list or endpoint; mark it <!-- example: fragment --> if it is part of a file")
    }
}

/// One fenced block of a Markdown page, with the `<!-- example: ... -->` marker words of the line
/// before its fence.
struct DocsBlock: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    /// Relative to the repository root.
    var file: String
    /// The fence's line, 1-based.
    var line: Int
    var language: String
    var markers: Set<String>
    var text: String

    var description: String { "\(file):\(line)" }
    var testDescription: String { "\(file):\(line) (\(language))" }

    /// The commands: the text itself, or for a `console` block the lines after `$ `.
    var script: String {
        guard language == "console" else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("$ ") }.map { String($0.dropFirst(2)) }.joined(separator: "\n") + "\n"
    }

    /// `README.md` and every `docs/*.md`.
    static func all(in repository: URL) throws -> [DocsBlock] {
        let docs = repository.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return try (["README.md"] + pages).flatMap { page in
            try parse(String(contentsOf: repository.appendingPathComponent(page), encoding: .utf8), file: page)
        }
    }

    static func parse(_ markdown: String, file: String) -> [DocsBlock] {
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
struct DocsExampleRunner {
    var repository: URL
    /// `$PREFAB_HOME` for the example; nil: `.prefab` in its temporary directory.
    var home: String? = nil

    /// The folder that holds the built `prefab` and `prefab-sim`: beside the test bundle, else
    /// `.build/debug`.
    var binaries: URL {
        get throws {
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<4 {
                if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("prefab").path),
                    FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("prefab-sim").path)
                {
                    return directory
                }
                directory = directory.deletingLastPathComponent()
            }
            let fallback = repository.appendingPathComponent(".build/debug")
            try #require(
                FileManager.default.isExecutableFile(atPath: fallback.appendingPathComponent("prefab").path),
                "build prefab and prefab-sim first (swift build --build-tests)")
            return fallback
        }
    }

    func run(_ block: DocsBlock, timeout: TimeInterval) async throws -> (status: Int32, output: String) {
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
        let text = await Task.detached { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }.value
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
        let line = try await Task.detached { () -> String in
            var bytes: [UInt8] = []
            while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != 0x0A {
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }.value
        // Whatever it prints later must not fill the pipe and stall it.
        Task.detached { _ = output.fileHandleForReading.readDataToEndOfFile() }
        let prefix = "prefab-sim listening on "
        guard line.hasPrefix(prefix) else {
            process.terminate()
            throw DocsExampleError(message: "prefab-sim did not start: \(line)")
        }
        return (process, String(line.dropFirst(prefix.count)))
    }
}

struct DocsExampleError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
