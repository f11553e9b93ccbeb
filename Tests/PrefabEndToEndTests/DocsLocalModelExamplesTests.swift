import Foundation
import Testing

/// The examples in `README.md` and `docs/*.md` marked `<!-- example: local-model -->`: run with
/// bash against the real local llama.cpp server, in a fresh temporary directory with links to the
/// repository's data folders (docs/testing.md, "Tested documentation"). Skipped, with the reason,
/// when the local model is not installed. `Tests/PrefabTests/DocsExamplesTests.swift` checks the
/// other examples.
@Suite(.localServer, .serialized) struct DocsLocalModelExamplesTests {
    static let repository = LocalServerFixture.repositoryRoot

    static let blocks: [LocalModelDocsBlock] = (try? LocalModelDocsBlock.all(in: repository)) ?? []

    @Test func thereAreLocalModelExamples() {
        #expect(!Self.blocks.isEmpty, "no <!-- example: local-model --> block in README.md or docs/*.md")
    }

    @Test(arguments: blocks) func localModelExampleRuns(_ block: LocalModelDocsBlock) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for folder in ["configs", "datasets", "judges", "rubrics"] {
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(folder),
                withDestinationURL: Self.repository.appendingPathComponent(folder))
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = try Self.binaries().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["PREFAB_REPO"] = Self.repository.path
        // `provider: local` finds the server the fixture resolved through PREFAB_HOME.
        environment["PREFAB_HOME"] = LocalServerFixture.home.path

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
        let text = await Task.detached { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }.value
        #expect(process.terminationStatus == 0, "\(block) exited \(process.terminationStatus):\n\(block.script)\n--- output ---\n\(text)")
    }

    /// The folder holding the built `prefab`: beside the test bundle, else `.build/debug`.
    static func binaries() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("prefab").path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = repository.appendingPathComponent(".build/debug")
        try #require(FileManager.default.isExecutableFile(atPath: fallback.appendingPathComponent("prefab").path), "prefab is not built")
        return fallback
    }
}

/// A ```sh or ```console block of `README.md` or `docs/*.md` whose fence follows
/// `<!-- example: local-model -->` (the same reading as `DocsBlock` in PrefabTests).
struct LocalModelDocsBlock: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    var file: String
    var line: Int
    var language: String
    var text: String

    var description: String { "\(file):\(line)" }
    var testDescription: String { description }

    var script: String {
        guard language == "console" else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("$ ") }.map { String($0.dropFirst(2)) }.joined(separator: "\n") + "\n"
    }

    static func all(in repository: URL) throws -> [LocalModelDocsBlock] {
        let docs = repository.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        var blocks: [LocalModelDocsBlock] = []
        for page in ["README.md"] + pages {
            let lines = try String(contentsOf: repository.appendingPathComponent(page), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var index = 0
            while index < lines.count {
                let opening = lines[index].trimmingCharacters(in: .whitespaces)
                guard opening.hasPrefix("```") else {
                    index += 1
                    continue
                }
                var end = index + 1
                while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" { end += 1 }
                let language = String(opening.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                let marker = index > 0 ? lines[index - 1].trimmingCharacters(in: .whitespaces) : ""
                if ["sh", "console", "bash"].contains(language), marker.hasPrefix("<!-- example:"), marker.hasSuffix("-->"),
                    marker.dropFirst("<!-- example:".count).dropLast(3).split(separator: " ").contains("local-model")
                {
                    let body = lines[(index + 1)..<min(end, lines.count)].joined(separator: "\n") + "\n"
                    blocks.append(LocalModelDocsBlock(file: page, line: index + 1, language: language, text: body))
                }
                index = end + 1
            }
        }
        return blocks
    }
}
