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
            path: path("missing-response.jsonl"), line: 2, field: "completions[1].response", expected: "a string")) {
            try DiversityCorpusReader.documents(at: path("missing-response.jsonl"), field: .response)
        }
        #expect(throws: DiversityError.missingField(
            path: path("pairs.jsonl"), line: 1, field: "completions",
            expected: "a list of completions (a samples or rated record)")) {
            try DiversityCorpusReader.documents(at: path("pairs.jsonl"), field: .response)
        }
        let error = DiversityError.missingField(path: "a.jsonl", line: 3, field: "chosen", expected: "a string")
        #expect(error.description == "a.jsonl:3: field 'chosen': expected a string")
    }

    @Test func brokenJSONAndUnknownInputsAreErrors() {
        #expect(throws: DiversityError.invalidRecord(path: path("broken.jsonl"), line: 2, reason: "invalid JSON")) {
            try DiversityCorpusReader.documents(at: path("broken.jsonl"), field: .prompt)
        }
        #expect(throws: DiversityError.unsupportedFormat(path: path("README.md"))) {
            try DiversityCorpusReader.documents(at: path("README.md"), field: .prompt)
        }
        #expect(throws: DiversityError.unreadable(path: path("absent.jsonl"), reason: "no such file or directory")) {
            try DiversityCorpusReader.documents(at: path("absent.jsonl"), field: .prompt)
        }
    }

    @Test func aDirectoryIsReadFileByFileInNameOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-diversity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{\"prompt\": \"second\"}\n".utf8).write(to: directory.appendingPathComponent("b.jsonl"))
        try Data("{\"prompt\": \"first\"}\n".utf8).write(to: directory.appendingPathComponent("a.jsonl"))
        try Data("ignored".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        #expect(try DiversityCorpusReader.documents(at: directory.path, field: .prompt) == ["first", "second"])
    }
}
