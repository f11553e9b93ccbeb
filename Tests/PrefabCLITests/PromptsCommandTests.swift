import Foundation
import PrefabShards
import PrefabTestSupport
import Testing

/// `prefab prompts`, run as the built binary on the bundled prompts.
@Suite struct PromptsCommandTests {
    static let quickstart = BuiltProduct.repositoryRoot + "/datasets/quickstart/prompts.jsonl"
    static let evalSample = BuiltProduct.repositoryRoot + "/datasets/hygiene/eval-sample.jsonl"

    @Test func promptsOnTheBundledPromptsReportsItsRemovalsAndWritesTheRest() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.sub("clean")
        let result = try await runProcess(
            try BuiltProduct.path("prefab"),
            ["prompts", Self.quickstart, "--dedup", "--decontaminate", Self.evalSample + ":question", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("48 prompts: 45 kept, 3 removed"), "\(result.stdout)")
        #expect(result.stdout.contains("contaminated: 3"))
        #expect(result.stdout.contains("qs-facts-02 contaminated: overlaps"))
        #expect(try Shards.open(out).readAll().count == 45)
        let report = try JSONObject(parsing: String(contentsOfFile: out + "/hygiene-report.json", encoding: .utf8))
        #expect(report["removals"]?.arrayValue?.count == 3)
        #expect(report["removed"]?["contaminated"]?.intValue == 3)
    }

    @Test func aDryRunCountsAndWritesNothing() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let result = try await runProcess(
            try BuiltProduct.path("prefab"),
            ["prompts", Self.quickstart, "--dedup", "--decontaminate", Self.evalSample + ":question", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 removed"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test func theWrongEvaluationFieldIsNamedWithItsLineAndNothingIsWritten() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let result = try await runProcess(
            try BuiltProduct.path("prefab"),
            ["prompts", Self.quickstart, "--decontaminate", Self.evalSample + ":questions", "--out", scratch.sub("clean")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("eval-sample.jsonl:1: questions: missing"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.sub("clean")))
    }
}
