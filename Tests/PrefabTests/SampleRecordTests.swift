import Foundation
import Testing
@testable import Prefab

@Suite struct SampleRecordTests {
    private func record() -> SampleRecord {
        SampleRecord(
            promptID: "p1", source: "flan", messages: [.user("What is 2+2?")], instruction: "What is 2+2?",
            reference: "4", models: ["a", "b", "b"],
            completions: [
                SampleCompletion(
                    model: "a", principle: "honesty", customSystemPrompt: "Be honest.", response: "4",
                    finishReason: "stop", usage: TokenUsage(promptTokens: 10, completionTokens: 1),
                    latency: 0.5, sampleIndex: 0, seed: 17),
                SampleCompletion(
                    model: "b", principle: "none", customSystemPrompt: "", response: "The answer is",
                    finishReason: "length", sampleIndex: 2, seed: 19),
            ],
            failures: [
                SampleFailure(
                    model: "b", principle: "helpfulness", customSystemPrompt: "Help.", sampleIndex: 1, seed: 18,
                    reason: "HTTP 500 after 3 attempts", kind: .httpStatus, attempts: 3)
            ])
    }

    @Test func roundTripsThroughJSONWithSnakeCaseKeys() throws {
        let original = record()
        let data = try JSONEncoder().encode(original)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["prompt_id"] as? String == "p1")
        #expect(object["complete"] as? Bool == false)
        let completion = try #require((object["completions"] as? [[String: Any]])?.first)
        #expect(completion["custom_system_prompt"] as? String == "Be honest.")
        #expect(completion["sample_index"] as? Int == 0)
        #expect((completion["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 10)
        #expect(try JSONDecoder().decode(SampleRecord.self, from: data) == original)
    }

    @Test func flagsEmptyAndTruncatedAnswers() {
        let r = record()
        #expect(r.completions[0].flags.isEmpty)
        #expect(r.completions[1].isTruncated)
        #expect(!r.completions[1].isEmpty)
        #expect(CompletionFlag.flags(response: " \n", finishReason: "stop") == [.empty])
        #expect(CompletionFlag.flags(response: "", finishReason: "length") == [.empty, .truncated])
    }

    @Test func aRecordWithFailuresIsIncomplete() {
        var r = record()
        #expect(!r.complete)
        r.failures = []
        #expect(r.complete)
    }

    @Test func theMDSColumnsAreEveryEncodedKeyInColumnOrder() throws {
        let samples = SampleRecord.mdsColumns.map { "\($0.name):\($0.encoding.rawValue)" }
        #expect(samples == [
            "prompt_id:str", "source:str", "instruction:str", "messages:json", "reference:json", "metadata:json",
            "models:json", "completions:json", "failures:json", "complete:json",
        ])
        let rated = RatedRecord.mdsColumns.map { "\($0.name):\($0.encoding.rawValue)" }
        #expect(rated == [
            "prompt_id:str", "source:str", "instruction:str", "messages:json", "models:json", "completions:json",
            "reference:json", "ensemble:json", "agreement:json", "label_source:json",
        ])
        // Every key a record writes has a column, and every column a key.
        let encoded = try JSONSerialization.jsonObject(with: StageShards.encoder().encode(record())) as! [String: Any]
        #expect(Set(encoded.keys) == Set(SampleRecord.mdsColumns.map(\.name)))
    }
}
