import Foundation
import PrefabTestSupport
import Testing
@testable import Prefab

/// The whole job on the real local model, through the commands a user runs: 3 prompts × 2 model
/// configurations, judged by the UltraFeedback ensemble, paired, reported; every output is read
/// back. Skipped, saying why, when the local server is not installed.
@Suite(.localServer, .serialized)
struct FullRunEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let config = """
        seed: 11
        prompts: {path: \(repository)/datasets/quickstart/prompts.jsonl, limit: 3}
        output: run
        endpoints:
          - {name: local, provider: local, limits: {max_concurrent: 4}, timeouts: {request: 300}}
          - {name: judge, provider: local, limits: {max_concurrent: 4}, timeouts: {request: 300}}
        pool:
          models:
            - {name: smol-cold, endpoint: local, parameters: {temperature: 0.2, max_tokens: 48}}
            - {name: smol-hot, endpoint: local, parameters: {temperature: 1.1, max_tokens: 48}}
          select: all
        principles:
          directory: \(repository)/rubrics/principles
        judges: \(repository)/judges/ultrafeedback.yaml
        pairing: {format: trl}
        cache: cache.sqlite
        """

    @Test func sampleJudgePairAndReportWriteShardsThatReadBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-e2e-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.config.write(toFile: directory + "/run.yaml", atomically: true, encoding: .utf8)
        let cache = ["--cache", directory + "/cache.sqlite"]

        try await Self.prefab(["sample", "--config", "run.yaml", "--out", "run/samples", "--quiet"] + cache, in: directory)
        let samples = try SampleShards.records(directory + "/run/samples")
        #expect(samples.count == 3)
        for record in samples {
            #expect(record.completions.map(\.model).sorted() == ["smol-cold", "smol-hot"])
            #expect(record.completions.allSatisfy { $0.usage.completionTokens > 0 })
        }

        try await Self.prefab([
            "judge", "--samples", "run/samples", "--judges", Self.repository + "/judges/ultrafeedback.yaml",
            "--endpoints", "run.yaml", "--seed", "11", "--out", "run/rated",
        ] + cache, in: directory)
        let rated = try Shards.open(directory + "/run/rated").readAll().map { try $0.decode(RatedRecord.self) }
        #expect(rated.map(\.promptID) == samples.map(\.promptID))
        for record in rated {
            for completion in record.completions {
                #expect(Set(completion.annotations.keys) == ["instruction_following", "honesty", "truthfulness", "helpfulness"])
                // Every vote is kept: read, or failed with the raw output; never a made-up score.
                #expect(completion.votes.count == 4)
                for vote in completion.votes where vote.parse == .failed { #expect(vote.rating == nil) }
            }
        }

        try await Self.prefab(["pairs", "--rated", "run/rated", "--format", "trl", "--out", "run/pairs"], in: directory)
        let summary = try JSONDecoder().decode(
            PairingSummary.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/run/pairs/pairs-summary.json")))
        #expect(summary.prompts == 3)
        #expect(summary.promptsWithRows + summary.dropped.values.reduce(0, +) == 3)
        #expect(try Shards.open(directory + "/run/pairs/train").readAll().count == summary.rows["train", default: 0])

        try await Self.prefab(["report", "run"], in: directory)
        let report = try String(contentsOfFile: directory + "/run/report.html", encoding: .utf8)
        #expect(report.contains("<svg"))
        #expect(FileManager.default.fileExists(atPath: directory + "/run/report.json"))

        // `prefab run` on the same config asks the same questions: every answer comes from the
        // cache, and it writes the same samples, rated records and rows as the stage commands.
        var staged: [String: Data] = [:]
        for file in ["samples/samples-00000.jsonl.zst", "rated/rated-00000.jsonl.zst", "pairs/train/trl-00000.jsonl.zst"] {
            staged[file] = try Data(contentsOf: URL(fileURLWithPath: directory + "/run/" + file))
        }
        try await Self.prefab(["run", "run.yaml", "--quiet"], in: directory)
        let run = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/run/run-summary.json")))
        #expect(run.done == 3 && run.usage.reduce(0) { $0 + $1.requests } == 0)
        for (file, bytes) in staged {
            #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/run/" + file)) == bytes, "\(file)")
        }
    }

    /// Runs the built `prefab` in `directory`; fails the test with its output on a non-zero exit.
    static func prefab(_ arguments: [String], in directory: String) async throws {
        // `provider: local` finds the server the fixture resolved through PREFAB_HOME.
        let result = try await runProcess(
            try BuiltProduct.path("prefab"), arguments, environment: ["PREFAB_HOME": LocalServerFixture.home.path], currentDirectory: directory)
        #expect(result.status == 0, "prefab \(arguments.joined(separator: " ")):\n\(result.stdout)\(result.stderr)")
        if result.status != 0 { throw CancellationError() }
    }
}
