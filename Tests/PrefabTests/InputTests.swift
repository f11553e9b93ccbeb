import Foundation
import PrefabShards
import Testing
@testable import Prefab

/// Prompt input: JSONL, JSONL.zst and MDS; ids; duplicates; every validation error located.
@Suite struct InputTests {
    static let prompts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/input/prompts").standardizedFileURL.path

    static func readAll(_ path: String, skipInvalid: Bool = false, limit: Int? = nil) throws -> (prompts: [PromptRecord], statistics: PromptInputStatistics) {
        let reader = try PromptReader(path: path, skipInvalid: skipInvalid, limit: limit)
        var prompts: [PromptRecord] = []
        while let prompt = try reader.next() { prompts.append(prompt) }
        return (prompts, reader.statistics)
    }

    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    @Test func readsPromptsAndConversationsWithTheirFields() throws {
        let (prompts, statistics) = try Self.readAll(Self.prompts + "/valid.jsonl")
        #expect(prompts.map(\.promptID) == [
            "p-1", PromptID.derive(from: "Write a haiku about rain."), "7",
            PromptID.derive(from: PromptRecord.promptText(of: prompts[3].messages)),
            PromptID.derive(from: "Unicode: ¿Qué es la fotosíntesis? 光合作用"),
        ])
        #expect(prompts[0].messages == [.user("What is the capital of France?")])
        #expect(prompts[0].source == "facts")
        #expect(prompts[0].reference == "Paris")
        #expect(prompts[2].messages == [.system("You are terse."), .user("Name a prime.")])
        #expect(prompts[2].instruction == "Name a prime.")
        #expect(prompts[2].reference == "2", "a numeric reference is kept as its JSON text")
        #expect(prompts[2].metadata == ["difficulty": "easy", "tags": ["math"]])
        #expect(prompts[3].messages.map(\.role) == ["user", "assistant", "user"])
        #expect(prompts[3].instruction == "Tell me a joke.")
        #expect(prompts[4].source == "")
        #expect(prompts[4].metadata == nil)
        #expect(statistics.records == 8, "the blank line is not a record")
        #expect(statistics.prompts == 5)
        // p-1 again, the haiku again, and the haiku as a one-turn conversation (same id).
        #expect(statistics.duplicates == 3)
        #expect(statistics.invalidCount == 0)
    }

    @Test func zstdCompressedJSONLReadsTheSame() throws {
        let plain = try Self.readAll(Self.prompts + "/valid.jsonl")
        let compressed = try Self.readAll(Self.prompts + "/valid.jsonl.zst")
        #expect(compressed.prompts == plain.prompts)
        #expect(compressed.statistics == plain.statistics)
    }

    @Test func mdsDatasetsReadTheSame() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = try Self.readAll(Self.prompts + "/valid.jsonl").prompts
        let writer = try Shards.makeWriter(
            directory: directory,
            options: ShardWriterOptions(
                format: .mds,
                columns: [
                    MDSColumn(name: "id", encoding: .str), MDSColumn(name: "messages", encoding: .json),
                    MDSColumn(name: "source", encoding: .str), MDSColumn(name: "metadata", encoding: .json),
                ]))
        for prompt in plain {
            let messages = prompt.messages.map { JSONValue.object(["role": .string($0.role), "content": .string($0.content)]) }
            try writer.write([
                "id": .string(prompt.promptID), "messages": .array(messages), "source": .string(prompt.source),
                "metadata": prompt.metadata ?? .null,
            ])
        }
        try writer.finish()
        let (fromMDS, statistics) = try Self.readAll(directory)
        #expect(fromMDS.map(\.promptID) == plain.map(\.promptID))
        #expect(fromMDS.map(\.messages) == plain.map(\.messages))
        #expect(fromMDS.map(\.metadata) == plain.map(\.metadata))
        #expect(statistics.prompts == plain.count)
    }

    /// Line → (field, kind) of every invalid record in `invalid.jsonl`.
    static let expectedProblems: [(line: Int, field: String?, kind: String)] = [
        (2, nil, "bad_json"),
        (3, nil, "invalid_utf8"),
        (4, nil, "not_an_object"),
        (5, "prompt", "missing_prompt"),
        (6, "prompt", "empty_prompt"),
        (7, "prompt", "wrong_type"),
        (8, "messages[1].role", "unknown_role"),
        (9, "messages", "no_final_user_turn"),
        (10, "messages", "prompt_and_messages"),
        (11, "messages", "wrong_type"),
        (12, "messages[0].content", "wrong_type"),
        (13, "metadata", "wrong_type"),
        (14, "source", "wrong_type"),
        (15, "id", "empty_id"),
        (16, "messages", "empty_prompt"),
    ]

    @Test func everyValidationErrorNamesItsFileLineAndField() throws {
        let (prompts, statistics) = try Self.readAll(Self.prompts + "/invalid.jsonl", skipInvalid: true)
        #expect(prompts.map(\.instruction) == ["fine 1", "fine 2"])
        #expect(statistics.warnings.count == Self.expectedProblems.count)
        for (warning, expected) in zip(statistics.warnings, Self.expectedProblems) {
            #expect(warning.line == expected.line)
            #expect(warning.field == expected.field, "line \(expected.line)")
            #expect(warning.problem.kind == expected.kind, "line \(expected.line)")
            #expect(warning.file.hasSuffix("invalid.jsonl"))
            #expect(warning.description.contains("invalid.jsonl:\(expected.line): "))
            if let field = expected.field { #expect(warning.description.contains(field)) }
        }
        #expect(statistics.invalidCount == 15)
        #expect(statistics.invalid["wrong_type"] == 5)
    }

    @Test func withoutSkipInvalidTheFirstBadRecordStopsReading() throws {
        let reader = try PromptReader(path: Self.prompts + "/invalid.jsonl")
        #expect(try reader.next()?.instruction == "fine 1")
        do {
            _ = try reader.next()
            Issue.record("expected an error")
        } catch {
            guard case .invalid(let invalid) = error else { Issue.record("\(error)"); return }
            #expect(invalid.line == 2)
            #expect(error.description.contains("invalid.jsonl:2: invalid JSON at column"))
            #expect(error.description.contains("--skip-invalid"))
        }
    }

    @Test func messagesNameTheProblemInWords() throws {
        let (_, statistics) = try Self.readAll(Self.prompts + "/invalid.jsonl", skipInvalid: true)
        let text = statistics.warnings.map(\.description)
        #expect(text[3].hasSuffix("invalid.jsonl:5: prompt: missing prompt: give \"prompt\" (a string) or \"messages\" (a list of {role, content})"))
        #expect(text[5].hasSuffix("invalid.jsonl:7: prompt: expected a string, found the number 42"))
        #expect(text[6].hasSuffix("invalid.jsonl:8: messages[1].role: unknown role 'robot'; expected system, user or assistant"))
    }

    @Test func theLimitCountsDistinctValidPrompts() throws {
        let (prompts, statistics) = try Self.readAll(Self.prompts + "/valid.jsonl", limit: 2)
        #expect(prompts.count == 2)
        #expect(statistics.prompts == 2)
    }

    @Test func aMissingFileIsUnreadable() {
        #expect(throws: PromptInputError.self) { try PromptReader(path: Self.prompts + "/no-such-file.jsonl") }
    }

    @Test func promptTextOfAConversationIsItsCanonicalJSON() {
        let messages: [ChatMessage] = [.system("Say \"hi\"\\\\ \n\t\u{01} é 光"), .user("ok")]
        let text = PromptRecord.promptText(of: messages)
        // What Python's json.dumps(messages, sort_keys=True, separators=(",", ":"), ensure_ascii=False) gives.
        #expect(text == #"[{"content":"Say \"hi\"\\\\ \n\t\u0001 é 光","role":"system"},{"content":"ok","role":"user"}]"#)
        #expect(PromptRecord(messages: messages).promptID == "0cb12def4fe35a6427cd28d08b2666b9d2f14bedfacdc4a268f318df8dd4d47e")
        #expect(PromptRecord(prompt: "Write a haiku about rain.").promptID == "602283e47fca4061cbe73b824b11dfba27d85541eaec30e06b374867e0b842b5")
        #expect(PromptRecord(messages: [.user("x")]).promptID == PromptRecord(prompt: "x").promptID)
    }

    @Test func theReaderIsAnAsyncSequence() async throws {
        let reader = try PromptReader(path: Self.prompts + "/valid.jsonl")
        var count = 0
        for try await _ in reader.prompts { count += 1 }
        #expect(count == 5)
    }
}
