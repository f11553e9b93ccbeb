import Foundation
import PrefabShards
import Testing
@testable import Prefab

/// Every long command, run as the built binary with stderr on a pipe (as in CI or a log file),
/// prints the progress display's plain lines there, with done/total, and no escape sequences.
@Suite("progress of sample, judge, eval-judges, pairs and convert")
struct CommandProgressCLITests {
    /// Progress lines on stderr: those that start with the plain mode's "[hh:mm:ss]" clock.
    static func progressLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("[00:") }
    }

    @Test func pairsPrintsPlainProgressLinesWithDoneAndTotal() async throws {
        let root = try PairsRunTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PairsRunTests.writeRated(PairsRunTests.ratedRecords(), to: root + "/rated")
        let result = try await JudgingFixtures.run(["pairs", "--rated", root + "/rated", "--out", root + "/pairs", "--progress-interval", "0.05"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = Self.progressLines(result.stderr)
        #expect(lines.count >= 2, "\(result.stderr)")
        #expect(lines.last?.contains("10/10 records (100.0%)") == true, "\(result.stderr)")
        #expect(lines.allSatisfy { !$0.contains("tokens") })  // pairs calls no model
        #expect(!result.stderr.contains("\u{1B}["))
        #expect(result.stdout.contains("10 prompts -> "))
    }

    @Test func samplePrintsTheSameDisplayWithPromptsDoneOfTotal() async throws {
        try await SampleCommandTests.withWorkspace { directory, server in
            try SampleCommandTests.config(port: server.baseURL).write(toFile: directory + "/sample.yaml", atomically: true, encoding: .utf8)
            let result = try await SampleCommandTests.run(["sample", "--config", "sample.yaml", "--progress-interval", "0.05"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = Self.progressLines(result.stderr)
            #expect(lines.last?.contains("48/48 prompts (100.0%)") == true, "\(result.stderr)")
            #expect(lines.last?.contains("tokens ") == true, "\(result.stderr)")
        }
    }

    @Test func pairsIsSilentWithQuiet() async throws {
        let root = try PairsRunTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PairsRunTests.writeRated(PairsRunTests.ratedRecords(), to: root + "/rated")
        let result = try await JudgingFixtures.run(["pairs", "--rated", root + "/rated", "--out", root + "/pairs", "--quiet"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func convertOfALoneJSONLFileShowsDoneAndRateWithoutATotal() async throws {
        let root = try PairsRunTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let text = (0..<50).map { #"{"id": \#($0), "text": "record \#($0)"}"# + "\n" }.joined()
        try text.write(toFile: root + "/in.jsonl", atomically: true, encoding: .utf8)
        let result = try await JudgingFixtures.run(["convert", root + "/in.jsonl", root + "/out", "--format", "jsonl.zst", "--json-progress"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = result.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["done"] != nil }
        #expect(objects.last?["done"] as? Int == 50, "\(result.stderr)")
        #expect(objects.last?["unit"] as? String == "records")
        #expect(objects.last?["total"] is NSNull)  // a lone JSONL file's count is not known before reading it
        #expect(result.stderr.contains("wrote 50 records"))
    }

    @Test func judgeAndEvalJudgesPrintProgressWithDoneAndTotal() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JudgingFixtures.writeSamples(JudgingFixtures.samples(3), to: directory + "/samples")
        let gold = directory + "/gold.jsonl"
        let lines = try String(contentsOfFile: JudgingFixtures.repository + "/datasets/judge-eval/gold.jsonl", encoding: .utf8)
            .split(separator: "\n").prefix(4).joined(separator: "\n")
        try lines.write(toFile: gold, atomically: true, encoding: .utf8)
        try await JudgingFixtures.withSimulator { server in
            try "endpoints:\n  - {name: judge, provider: openai-compatible, base_url: \"\(server.baseURL)/v1\", model: sim-model}\n"
                .write(toFile: directory + "/endpoints.yaml", atomically: true, encoding: .utf8)
            let common = ["--endpoints", directory + "/endpoints.yaml", "--no-cache", "--progress-interval", "0.05"]
            let judged = try await JudgingFixtures.run(
                ["judge", "--samples", directory + "/samples", "--judges", JudgingFixtures.ensembleFile("ultrafeedback"), "--out", directory + "/rated"] + common)
            #expect(judged.status == 0, "\(judged.stderr)")
            let judgeLines = Self.progressLines(judged.stderr)
            #expect(judgeLines.last?.contains("3/3 samples (100.0%)") == true, "\(judged.stderr)")
            #expect(judgeLines.last?.contains("tokens ") == true, "\(judged.stderr)")

            let evaluated = try await JudgingFixtures.run(
                ["eval-judges", "--gold", gold, "--judges", JudgingFixtures.ensembleFile("ultrafeedback"),
                 "--judges", JudgingFixtures.ensembleFile("pairwise")] + common)
            #expect(evaluated.status == 0, "\(evaluated.stderr)")
            let evalLines = Self.progressLines(evaluated.stderr)
            #expect(evalLines.last?.contains("8/8 pairs (100.0%)") == true, "\(evaluated.stderr)")
            #expect(!evaluated.stderr.contains("\u{1B}["))
            #expect(evaluated.stdout.contains("pair-judge"))
        }
    }
}

/// The stages count into a monitor when given one: what the commands' displays read.
@Suite struct StageProgressTests {
    @Test func thePairStageCountsEveryRatedRecordAgainstTheKnownTotal() throws {
        let root = try PairsRunTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PairsRunTests.writeRated(PairsRunTests.ratedRecords(), to: root + "/rated")
        let stage = try #require(try? RunPairingConfiguration().resolve(seed: 0).get())
        let monitor = RunMonitor(unit: "records", callsModels: false)
        _ = try stage.run(rated: root + "/rated", output: root + "/pairs", replacing: false, monitor: monitor)
        let snapshot = monitor.snapshot()
        #expect(snapshot.total == 10 && snapshot.done == 10 && snapshot.phase == "done")
    }

    @Test func theJudgeStageCountsSamplesTokensAndRequests() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JudgingFixtures.writeSamples(JudgingFixtures.samples(3), to: directory + "/samples")
        try await JudgingFixtures.withSimulator { server in
            let endpoints = try EndpointSet([JudgingFixtures.endpoint(server)])
            let ensemble = try JudgeEnsemble.load(
                file: JudgingFixtures.ensembleFile("ultrafeedback"), endpoints: endpoints, rubrics: JudgingFixtures.rubrics, seed: 7)
            let monitor = RunMonitor(unit: "samples", callsModels: true)
            monitor.attach(ledger: endpoints.ledger, cache: nil)
            _ = try await JudgeStage(ensemble: ensemble, window: 2).run(samples: directory + "/samples", output: directory + "/rated", limit: nil, monitor: monitor)
            let snapshot = monitor.snapshot()
            #expect(snapshot.total == 3 && snapshot.done == 3 && snapshot.failed == 0 && snapshot.inFlight == 0)
            #expect(snapshot.requests > 0 && snapshot.totalTokens > 0)
            #expect(ProgressRenderer.plainLine(snapshot).contains("3/3 samples"))
        }
    }
}

/// `prefab diversity`'s two slow steps count into the monitor: documents embedded, then the
/// cluster agent's rounds.
@Suite struct DiversityProgressTests {
    let documents = (1...40).map { "Document number \($0) talks about item \($0 % 6)." }

    @Test func embeddingReportsTheRunningCountAfterEachBatch() async throws {
        struct Numbered: EmbeddingProvider {
            var embeddingModelName: String { "numbered" }
            var maximumBatchSize: Int { 3 }
            func embed(_ texts: [String]) async throws -> [[Float]] { texts.map { [Float($0)!, 1] } }
        }
        var counts: [Int] = []
        _ = try await Numbered().embedAll((0..<10).map(String.init), concurrency: 2) { counts.append($0) }
        // Four batches (3, 3, 3, 1), finishing in any order: one report each, rising to 10.
        #expect(counts.count == 4 && counts.last == 10 && counts == counts.sorted())
    }

    @Test func theAnalyzerNamesItsStepAndCountsDocumentsEmbedded() async throws {
        var configuration = DiversityConfiguration()
        configuration.embeddings = HashingEmbedder()
        configuration.metrics = [.vendi]
        let monitor = RunMonitor(unit: "documents", callsModels: false)
        _ = try await DiversityAnalyzer(configuration: configuration).analyze(documents, label: "corpus", monitor: monitor)
        let snapshot = monitor.snapshot()
        #expect(snapshot.phase == "corpus: embeddings")
        #expect(snapshot.unit == "documents" && snapshot.total == 40 && snapshot.done == 40)
    }

    @Test func theClusterAgentCountsItsRoundsAndUnusableAnswersByKind() async throws {
        var configuration = ClusterAgentConfiguration()
        configuration.criteriaRounds = 2
        configuration.clusteringRounds = 3
        configuration.seeds = [1, 2]
        configuration.maximumRetries = 1
        configuration.concurrency = 2
        // Every clustering prompt is first answered with something that is not JSON, then well.
        let chat = ScriptedChat { request, seen in
            switch request.purpose {
            case .proposeCriteria: ClusterAgentScript.proposal
            case .mergeCriteria: ClusterAgentScript.merged
            case .cluster: seen == 0 ? "not json at all" : ClusterAgentScript.clusters([[1, 2, 3], [4, 5, 6, 7, 8, 9, 10]])
            case .verifyClusters: ClusterAgentScript.verdicts([true, true])
            default: ""
            }
        }
        let monitor = RunMonitor(unit: "documents", callsModels: true)
        var agent = ClusterAgent(chat: chat, configuration: configuration)
        agent.monitor = monitor
        _ = try await agent.measure(documents)
        let snapshot = monitor.snapshot()
        #expect(snapshot.unit == "rounds")
        #expect(snapshot.total == 2 * (2 + 1 + 3) && snapshot.done == 12 && snapshot.failed == 0)
        #expect(snapshot.failuresByKind.keys.sorted() == ["malformed_json"], "\(snapshot.failuresByKind)")
    }
}
