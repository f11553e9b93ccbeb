import Foundation
import Testing
@testable import Prefab

@Suite struct DiversityCorpusTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/diversity")

    private func path(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    @Test func responseFieldTakesEveryCompletionOfEverySamplesRecord() throws {
        #expect(try DiversityCorpusReader.documents(at: path("samples.jsonl"), field: .response)
                == ["Seven is prime.", "2 is the only even prime.", "Lune sur l'étang 🌙"])
    }

    @Test func promptFieldTakesThePromptInstructionOrLastUserMessage() throws {
        #expect(try DiversityCorpusReader.documents(at: path("samples.jsonl"), field: .prompt)
                == ["Name a prime number.", "Écris un haïku."])
        #expect(try DiversityCorpusReader.documents(at: path("pairs.jsonl"), field: .prompt)
                == ["Name a prime number.", "Say hi.", "What is 2+2?"])
    }

    @Test func chosenFieldTakesTheStringOrTheLastAssistantMessage() throws {
        #expect(try DiversityCorpusReader.documents(at: path("pairs.jsonl"), field: .chosen)
                == ["Seven is prime.", "Hi there!", "4"])
    }

    @Test func aMissingFieldNamesTheFileLineAndField() {
        #expect(throws: DiversityError.missingField(
            path: path("missing-response.jsonl"), position: "line 2", field: "completions[1].response", expected: "a string")) {
            try DiversityCorpusReader.documents(at: path("missing-response.jsonl"), field: .response)
        }
        #expect(throws: DiversityError.missingField(
            path: path("pairs.jsonl"), position: "line 1", field: "completions",
            expected: "a list of completions (a samples or rated record)")) {
            try DiversityCorpusReader.documents(at: path("pairs.jsonl"), field: .response)
        }
        let error = DiversityError.missingField(path: "a.jsonl", position: "line 3", field: "chosen", expected: "a string")
        #expect(error.description == "a.jsonl line 3, field 'chosen': expected a string")
    }

    @Test func brokenJSONAndMissingInputsAreErrorsNamingTheFile() throws {
        do {
            _ = try DiversityCorpusReader.documents(at: path("broken.jsonl"), field: .prompt)
            Issue.record("broken JSON was read")
        } catch {
            guard case .input(let message) = error else { throw error }
            #expect(message.contains("broken.jsonl"))
            #expect(message.contains("line 2"))
        }
        do {
            _ = try DiversityCorpusReader.documents(at: path("absent.jsonl"), field: .prompt)
            Issue.record("a missing file was read")
        } catch {
            guard case .input(let message) = error else { throw error }
            #expect(message.contains("absent.jsonl"))
        }
    }

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-diversity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aDirectoryWithoutAnIndexIsReadFileByFileInNameOrder() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{\"prompt\": \"second\"}\n".utf8).write(to: directory.appendingPathComponent("b.jsonl"))
        try Data("{\"prompt\": \"first\"}\n".utf8).write(to: directory.appendingPathComponent("a.jsonl"))
        try Data("ignored".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        #expect(try DiversityCorpusReader.documents(at: directory.path, field: .prompt) == ["first", "second"])

        let empty = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: DiversityError.unsupportedFormat(path: empty.path)) {
            try DiversityCorpusReader.documents(at: empty.path, field: .prompt)
        }
    }

    @Test func shardDatasetsInEitherFormatAreRead() throws {
        // The first two pair records share their keys, as MDS columns require.
        let lines = try String(contentsOf: Self.fixtures.appendingPathComponent("pairs.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(2)
        for format in [ShardFormat.mds, .jsonlZst] {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let output = directory.appendingPathComponent("out").path
            let writer = try Shards.makeWriter(directory: output, options: ShardWriterOptions(format: format, columns: nil))
            for line in lines { try writer.write(jsonLine: line) }
            try writer.finish()
            #expect(try DiversityCorpusReader.documents(at: output, field: .chosen) == ["Seven is prime.", "Hi there!"], "\(format)")
        }
    }
}
