import Foundation
import Prefab
import PrefabSimulator
import Testing

@Suite("prefab run pipeline")
struct RunPipelineTests {
    @Test func aRunWritesSamplesRatedPairsReportAndSummaryInInputOrder() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 12)
            let summary = try await RunFixtures.pipeline(run.config).run()
            let out = run.directory + "/out"
            #expect(summary.prompts == 12 && summary.done == 12 && summary.failed == 0 && summary.resumed == 0)
            #expect(summary.completions == 36)
            let expected = (0..<12).map { "p\($0)" }
            #expect(try RunFixtures.promptIDs(out + "/samples") == expected)
            #expect(try RunFixtures.promptIDs(out + "/rated") == expected)
            #expect(try RunFixtures.promptIDs(out + "/samples/mds") == expected)
            let rows = (summary.pairs?.rows["train"] ?? 0) + (summary.pairs?.rows["test"] ?? 0)
            #expect(rows == 12)
            for file in ["report.html", "report.json", "run-summary.json", "rated/judge-report.json", "pairs/pairs-summary.json"] {
                #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
            }
            #expect(!FileManager.default.fileExists(atPath: out + "/.partial"))
            #expect(!FileManager.default.fileExists(atPath: out + "/failures.jsonl"))
            // 3 answers and 4 aspect calls per prompt.
            #expect(server.stats().requests(path: "/v1/chat/completions") == 12 * 7)
        }
    }

    @Test func runningAgainTakesEveryPromptFromTheJournalAndWritesTheSameBytes() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 10)
            _ = try await RunFixtures.pipeline(run.config).run()
            let first = try RunFixtures.stageFiles(run.directory + "/out")
            let requests = server.stats().totalRequests
            let again = try await RunFixtures.pipeline(run.config).run()
            #expect(again.resumed == 10 && again.done == 10)
            #expect(server.stats().totalRequests == requests)
            #expect(try RunFixtures.stageFiles(run.directory + "/out") == first)
        }
    }

    @Test func theJournalNamesTheShardsHoldingEachPromptsRecordsAndFollowsThemWhenTheyMove() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 12, extra: "shard_size: 1MiB")
            let first = try await RunFixtures.pipeline(run.config).run()
            let out = run.directory + "/out"
            let setup = try RunSetup.load(file: run.config)
            func check(expectMoreThanOneShard: Bool) throws {
                let holders = try RunFixtures.shardsHoldingEachPrompt(out)
                let journal = try RunJournal(path: setup.journalPath, identity: setup.identity)
                for index in 0..<12 {
                    let entry = try #require(try journal.finishedEntry(promptID: "p\(index)"))
                    #expect(Set(entry.shards) == holders["p\(index)"], "p\(index)")
                    // A sample and a rated record, each in JSONL.zst and MDS, and its pairs.
                    #expect(entry.shards.count >= 6)
                }
                #expect(holders.values.contains { $0.contains("samples/samples-00001.jsonl.zst") } == expectMoreThanOneShard)
            }
            #expect(first.done == 12)
            try check(expectMoreThanOneShard: false)

            // Smaller shards: the next session replays every prompt into other files, and the
            // journal follows.
            let config = try String(contentsOfFile: run.config, encoding: .utf8)
            try config.replacingOccurrences(of: "shard_size: 1MiB", with: "shard_size: 4KiB")
                .write(toFile: run.config, atomically: true, encoding: .utf8)
            let second = try await RunFixtures.pipeline(run.config).run()
            #expect(second.resumed == 12)
            try check(expectMoreThanOneShard: true)
        }
    }

    @Test func aFreshRunForgetsTheJournalButTheCacheAnswersEveryCall() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 6)
            _ = try await RunFixtures.pipeline(run.config).run()
            let first = try RunFixtures.stageFiles(run.directory + "/out")
            let requests = server.stats().totalRequests
            var pipeline = try RunFixtures.pipeline(run.config)
            pipeline.fresh = true
            let summary = try await pipeline.run()
            #expect(summary.resumed == 0 && summary.done == 6 && summary.cacheHits == 6 * 7)
            #expect(server.stats().totalRequests == requests)
            #expect(try RunFixtures.stageFiles(run.directory + "/out") == first)
        }
    }

    @Test func failedPromptsAreListedWithTheirReasonAndRetriedByTheNextRun() async throws {
        try await JudgingFixtures.withSimulator { server in
            // Every call fails (503, no retries left): every prompt fails at sampling.
            let failing = try RunFixtures.makeRun(server, prompts: 4, headers: "{x-sim-fault: \"status=503\"}", maxAttempts: 1)
            let first = try await RunFixtures.pipeline(failing.config).run()
            #expect(first.failed == 4 && first.done == 0)
            #expect(first.failuresByKind["http_status"] == 12)
            let listed = try String(contentsOfFile: failing.directory + "/out/failures.jsonl", encoding: .utf8)
                .split(separator: "\n")
            #expect(listed.count == 4)
            #expect(listed.first?.contains("\"prompt_id\":\"p0\"") == true && listed.first?.contains("503") == true)
            #expect(try RunFixtures.promptIDs(failing.directory + "/out/samples").isEmpty)
            let report = try String(contentsOfFile: failing.directory + "/out/report.json", encoding: .utf8)
            #expect(report.contains("\"http_status\" : 12") && report.contains("4 prompts failed"))

            // Headers are not part of the run's identity: without the fault the same run goes on.
            try RunFixtures.yaml(server).write(toFile: failing.config, atomically: true, encoding: .utf8)
            let second = try await RunFixtures.pipeline(failing.config).run()
            #expect(second.failed == 0 && second.done == 4)
            #expect(!FileManager.default.fileExists(atPath: failing.directory + "/out/failures.jsonl"))
            #expect(try RunFixtures.promptIDs(failing.directory + "/out/rated") == ["p0", "p1", "p2", "p3"])
        }
    }

    @Test func aSpentBudgetStopsTheRunCleanlyAndARaisedOneFinishesItWithoutPayingTwice() async throws {
        try await JudgingFixtures.withSimulator { server in
            let reference = try RunFixtures.makeRun(server, prompts: 8)
            _ = try await RunFixtures.pipeline(reference.config).run()
            let uninterrupted = server.stats().totalRequests
            // Samples carry each answer's latency, which differs between the two caches.
            let expected = try RunFixtures.stageFiles(reference.directory + "/out").filter { !$0.key.hasPrefix("samples/") }
            server.resetStats()

            let run = try RunFixtures.makeRun(server, prompts: 8, extra: "budget: {max_requests: 20}")
            let stopped = try await RunFixtures.pipeline(run.config).run()
            #expect(stopped.stopReason == .budget)
            #expect(stopped.done < 8 && stopped.done + stopped.notFinished == 8)
            #expect(server.stats().totalRequests <= 20)
            #expect(try RunFixtures.promptIDs(run.directory + "/out/samples").count == stopped.done)

            try (RunFixtures.yaml(server) + "\nbudget: {max_requests: 200}").write(toFile: run.config, atomically: true, encoding: .utf8)
            let finished = try await RunFixtures.pipeline(run.config).run()
            #expect(finished.stopReason == nil && finished.done == 8 && finished.resumed == stopped.done)
            #expect(server.stats().totalRequests == uninterrupted)
            #expect(try RunFixtures.stageFiles(run.directory + "/out").filter { !$0.key.hasPrefix("samples/") } == expected)
        }
    }

    @Test func aStopRequestEndsTheSessionWithWhatFinishedWrittenAndJournaled() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 30, window: 2)
            let pipeline = try RunFixtures.pipeline(run.config)
            pipeline.control.stop(.interrupted)
            let stopped = try await pipeline.run()
            #expect(stopped.stopReason == .interrupted && stopped.done == 0 && stopped.notFinished == 30)
            let resumed = try await RunFixtures.pipeline(run.config).run()
            #expect(resumed.done == 30 && resumed.stopReason == nil)
        }
    }

    @Test func faultsFromTheSimulatorAreRetriedAndTheOutputIsComplete() async throws {
        var configuration = SimulatorConfiguration(seed: 3, threads: 2)
        configuration.errorRates = [500: 0.05, 503: 0.05, 429: 0.05]
        configuration.malformedRate = 0.03
        configuration.truncateRate = 0.03
        configuration.resetRate = 0.03
        configuration.retryAfterSeconds = 0
        try await JudgingFixtures.withSimulator(configuration) { server in
            let run = try RunFixtures.makeRun(server, prompts: 20, maxAttempts: 8)
            let summary = try await RunFixtures.pipeline(run.config).run()
            #expect(summary.done == 20 && summary.failed == 0)
            #expect(server.stats().faults.values.reduce(0, +) > 0)
            #expect(summary.usage.reduce(0) { $0 + $1.retries } > 0)
            #expect(try RunFixtures.promptIDs(run.directory + "/out/rated") == (0..<20).map { "p\($0)" })
        }
    }

    @Test func aChangedSamplingConfigIsRefusedUntilFresh() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 3)
            _ = try await RunFixtures.pipeline(run.config).run()
            let changed = RunFixtures.yaml(server).replacingOccurrences(of: "seed: 5", with: "seed: 6")
            try changed.write(toFile: run.config, atomically: true, encoding: .utf8)
            await #expect(throws: RunError.self) { _ = try await RunFixtures.pipeline(run.config).run() }
            var fresh = try RunFixtures.pipeline(run.config)
            fresh.fresh = true
            #expect(try await fresh.run().done == 3)
        }
    }

    @Test func changedPromptsAreRefusedWithThePosition() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 3)
            _ = try await RunFixtures.pipeline(run.config).run()
            try #"{"id": "other", "messages": [{"role": "user", "content": "hi"}]}"#
                .write(toFile: run.directory + "/prompts.jsonl", atomically: true, encoding: .utf8)
            do {
                _ = try await RunFixtures.pipeline(run.config).run()
                Issue.record("a changed input was accepted")
            } catch let error as RunError {
                #expect(error.description.contains("prompt 1 was 'p0', now 'other'"))
            }
        }
    }

    @Test func raisingThePromptLimitContinuesTheRun() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 6)
            let limited = RunFixtures.yaml(server).replacingOccurrences(of: "prompts: {path: prompts.jsonl}", with: "prompts: {path: prompts.jsonl, limit: 3}")
            try limited.write(toFile: run.config, atomically: true, encoding: .utf8)
            #expect(try await RunFixtures.pipeline(run.config).run().done == 3)
            try RunFixtures.yaml(server).write(toFile: run.config, atomically: true, encoding: .utf8)
            let all = try await RunFixtures.pipeline(run.config).run()
            #expect(all.done == 6 && all.resumed == 3)
        }
    }

    @Test func theDryRunCountsCallsPerEndpointAndSeesTheCache() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 5, extra: "budget: {max_cost: 1}")
            let setup = try RunSetup.load(file: run.config)
            let before = try await RunEstimate.make(setup: setup)
            #expect(before.prompts == 5 && before.finished == 0)
            let sim = try #require(before.endpoints.first { $0.endpoint == "sim" })
            let judge = try #require(before.endpoints.first { $0.endpoint == "judge" })
            #expect(sim.calls == 15 && sim.cachedCalls == 0 && sim.completionTokens == 15 * 48)
            #expect(judge.calls == 20 && judge.completionTokens == 20 * 600)
            #expect(server.stats().totalRequests == 0)

            // Sampling answers cached by a fresh run of the first two prompts under another output.
            let other = RunFixtures.yaml(server, output: "other")
                .replacingOccurrences(of: "prompts: {path: prompts.jsonl}", with: "prompts: {path: prompts.jsonl, limit: 2}")
            try other.write(toFile: run.directory + "/other.yaml", atomically: true, encoding: .utf8)
            _ = try await RunFixtures.pipeline(run.directory + "/other.yaml").run()
            let after = try await RunEstimate.make(setup: setup)
            #expect(after.endpoints.first { $0.endpoint == "sim" }?.cachedCalls == 6)

            _ = try await RunFixtures.pipeline(run.config).run()
            let done = try await RunEstimate.make(setup: setup)
            #expect(done.finished == 5 && done.endpoints.isEmpty)
        }
    }
}
