import Foundation
import Prefab
import PrefabShards
import PrefabSimulator
import PrefabTestSupport
import Testing

/// `prefab run` with batch endpoints (an OpenAI-compatible sampler and an Anthropic judge, both
/// with a `batch:` block) against prefab-sim's batch APIs: the same rows as a synchronous run,
/// whatever the batches go through, and never a batch submitted twice.
@Suite struct RunBatchTests {
    /// A run directory: prompts, a one-aspect judges file, and two configs over `server`, one
    /// batched (`batch.yaml`, output `out`) and one synchronous (`sync.yaml`, output `sync`),
    /// each with its own cache so neither answers the other.
    static func makeRun(_ server: SimulatorServer, prompts: Int, batch: String = "", attempts: Int = 3, samples: Int = 1) throws -> String {
        let directory = try JudgingFixtures.temporaryDirectory()
        try RunFixtures.writePrompts(prompts, to: directory + "/prompts.jsonl")
        try FileManager.default.createSymbolicLink(atPath: directory + "/rubrics", withDestinationPath: RunFixtures.repository + "/rubrics")
        try """
            schema: 1
            name: batch-test
            judges:
              - {name: j, kind: llm, endpoint: judge, rubrics: [helpfulness], mode: multi, shuffle: true, weight: 1.0, temperature: 0.0, seed: 0, max_tokens: 200, samples: \(samples), retries: 2, structured_output: auto}
            aggregation: {method: weighted_mean, aspect_weights: {helpfulness: 1}, overall: fine_grained_mean}
            """.write(toFile: directory + "/judges.yaml", atomically: true, encoding: .utf8)
        for (name, batched) in [("batch", true), ("sync", false)] {
            let block = batched ? ", batch: {poll: 0.02s, max_requests: 150\(batch)}" : ""
            let retry = "{max_attempts: \(attempts), initial_delay: 0.001, max_delay: 0.01}"
            try """
                seed: 5
                prompts: {path: prompts.jsonl}
                output: \(batched ? "out" : "sync")
                cache: \(name)-cache/cache.sqlite
                endpoints:
                  - {name: sim, provider: openai-compatible, base_url: "\(server.baseURL)/v1", model: sim-model, retry: \(retry)\(block)}
                  - {name: judge, provider: anthropic, base_url: "\(server.baseURL)", model: sim-judge, retry: \(retry)\(block)}
                pool:
                  models:
                    - {name: a, endpoint: sim, parameters: {temperature: 0.7, max_tokens: 24}}
                    - {name: b, endpoint: sim, parameters: {temperature: 1.0, max_tokens: 24}}
                  select: 2
                principles: {directory: \(RunFixtures.repository)/rubrics/principles}
                judges: judges.yaml
                pairing: {format: h4, test_ratio: 0.25}
                """.write(toFile: "\(directory)/\(name).yaml", atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// The rated records and pair rows a run wrote (not the samples, whose answers carry the
    /// latency of their call: a batch has none), by file.
    static func rows(_ output: String) throws -> [String: Data] {
        try RunFixtures.stageFiles(output).filter { !$0.key.hasPrefix("samples/") && !$0.key.hasSuffix("manifest.json") && !$0.key.hasSuffix("index.json") }
    }

    /// The synchronous run's rows, made against a simulator of its own (its calls are not counted).
    static func reference(_ directory: String) async throws -> [String: Data] {
        let summary = try await RunFixtures.pipeline(directory + "/sync.yaml").run()
        #expect(summary.done == summary.prompts)
        return try rows(directory + "/sync")
    }

    static func journalBatches(_ directory: String) throws -> [JournaledBatch] {
        try RunBatches.list(try RunSetup.load(file: directory + "/batch.yaml"))
    }

    /// 33 s alone on a 2-core machine; the limit allows for a full suite beside it.
    @Test(.timeLimit(.minutes(15)))
    func aBatchRunWritesTheRowsOfASynchronousRun() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2)) { server in
            let directory = try Self.makeRun(server, prompts: 2000)
            let expected = try await Self.reference(directory)
            server.resetStats()
            let summary = try await RunFixtures.pipeline(directory + "/batch.yaml").run()
            #expect(summary.done == 2000)
            #expect(try Self.rows(directory + "/out") == expected)
            let stats = server.stats()
            // Every call went through a batch: 2,000 × 2 samples, then 2,000 judge calls.
            #expect(stats.requests(path: "/v1/chat/completions") == 0)
            #expect(stats.requests(path: "/v1/messages") == 0)
            #expect(stats.batches.requestsSubmitted == 6000)
            let batches = try Self.journalBatches(directory)
            #expect(stats.batches.created == batches.count)
            #expect(batches.allSatisfy { $0.state == .collected && $0.requests <= 150 })
            #expect(Set(batches.filter { $0.stage == "judge" }.map(\.round)) == [2])
        }
    }

    /// Expired, cancelled, partly answered batches, 10% per-request errors and a cut-off upload:
    /// the failed requests go into later batches and the output is complete and the same.
    @Test(arguments: ["expire=1", "cancel=2", "partial=2", "fail=0.1", "truncate-upload=1"])
    func batchFaultsEndInCompleteOutput(_ fault: String) async throws {
        let faults = try BatchFaults(parsing: fault)
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2, batchFaults: faults)) { server in
            // Six tries (the default): with 10% failing, a request fails all six about once in
            // a million; with three, one of the 360 would fail every time about once in three runs.
            let directory = try Self.makeRun(server, prompts: 120, attempts: 6)
            let expected = try await Self.reference(directory)
            server.resetStats()
            let summary = try await RunFixtures.pipeline(directory + "/batch.yaml").run()
            #expect(summary.done == 120, "\(fault): \(summary.failed) failed")
            #expect(try Self.rows(directory + "/out") == expected, "\(fault)")
            let stats = server.stats()
            #expect(stats.requests(path: "/v1/chat/completions") == 0)
            #expect(stats.batches.created == (try Self.journalBatches(directory)).count)
            if faults.truncateUpload > 0 {
                // The cut-off upload was replaced before any batch was made of it.
                let openAIBatches = try Self.journalBatches(directory).filter { $0.endpoint == "sim" }.count
                #expect(stats.requests(path: "/v1/files") == openAIBatches + 1)
                #expect(stats.batches.requestsSubmitted == 360)
            } else {
                // The failed requests were submitted again, nothing else twice.
                #expect(stats.batches.requestsSubmitted > 360, "\(fault)")
            }
        }
    }

    /// Requests that every batch fails: without a fallback their prompts fail (listed, never
    /// written with empty answers); with `fallback: sync` they are asked one by one.
    @Test func requestsNoBatchAnswersFailOrFallBackToSynchronousCalls() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2, batchFaults: BatchFaults(failRate: 1))) { server in
            let failing = try Self.makeRun(server, prompts: 10)
            let summary = try await RunFixtures.pipeline(failing + "/batch.yaml").run()
            #expect(summary.done == 0)
            #expect(summary.failed == 10)
            let failures = try String(contentsOfFile: failing + "/out/" + RunPipeline.failuresName, encoding: .utf8)
            #expect(failures.split(separator: "\n").count == 10)
            #expect(failures.contains("in a batch"))
            // Three attempts (retry.max_attempts) of each of the 20 sampling requests.
            #expect(server.stats().batches.requestsSubmitted == 60)

            server.resetStats()
            let fallback = try Self.makeRun(server, prompts: 10, batch: ", fallback: sync")
            let expected = try await Self.reference(fallback)
            let before = server.stats().requests(path: "/v1/chat/completions")
            let rescued = try await RunFixtures.pipeline(fallback + "/batch.yaml").run()
            #expect(rescued.done == 10)
            #expect(try Self.rows(fallback + "/out") == expected)
            #expect(server.stats().requests(path: "/v1/chat/completions") - before == 20)
        }
    }

    /// `kill -9` at ten moments spread over the batches' lives (writing, uploading, creating,
    /// polling, reading results): each run after a kill picks up its batches, and the sim shows
    /// as many batches created as the run's journal lists, holding as many requests as an
    /// uninterrupted run submits.
    @Test(.timeLimit(.minutes(10)))
    func killedAtTenMomentsABatchRunEndsWithTheSameRowsAndNoBatchSubmittedTwice() async throws {
        let prefab = try BuiltProduct.path("prefab")
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2, batchDelaySeconds: 0.4)) { server in
            let directory = try Self.makeRun(server, prompts: 300)
            let expected = try await Self.reference(directory)
            // What an uninterrupted batch run submits: a copy of the run, with its own cache, on a
            // simulator of its own (on this one, its batches, holding the same requests, could be
            // taken for those of a killed create call: harmless, as every answer is stored under
            // its request's key, but it would blur the counts).
            let needed = try await SimulatorHarness.run(server.configuration) { other in
                try String(contentsOfFile: directory + "/batch.yaml", encoding: .utf8)
                    .replacingOccurrences(of: "output: out", with: "output: straight")
                    .replacingOccurrences(of: "batch-cache", with: "straight-cache")
                    .replacingOccurrences(of: server.baseURL, with: other.baseURL)
                    .write(toFile: directory + "/straight.yaml", atomically: true, encoding: .utf8)
                let summary = try await RunFixtures.pipeline(directory + "/straight.yaml").run()
                return (stats: other.stats().batches, usage: UsageRecord.sum(summary.runUsage))
            }
            server.resetStats()

            var generator = SystemRandomNumberGenerator()
            var kills = 0
            for _ in 0..<10 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: prefab)
                process.arguments = ["run", directory + "/batch.yaml"]
                process.currentDirectoryURL = URL(fileURLWithPath: directory)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...1500, using: &generator)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    kills += 1
                }
                await process.exited()
            }
            let final = try await runProcess(prefab, ["run", directory + "/batch.yaml"], currentDirectory: directory)
            #expect(final.status == 0, "\(final.stderr)")
            #expect(kills >= 5)
            #expect(try Self.rows(directory + "/out") == expected)
            let stats = server.stats().batches
            #expect(stats.created == (try Self.journalBatches(directory)).count)
            #expect(stats.requestsSubmitted == needed.stats.requestsSubmitted)
            #expect(stats.created == needed.stats.created)
            // The budget counted every batch once, whatever the kills: the sessions' spending adds
            // up to the uninterrupted run's (requests at submit, tokens as the results reported).
            let spent = UsageRecord.sum(try Self.runUsage(directory + "/batch.yaml"))
            #expect(spent.requests == needed.usage.requests)
            #expect(spent.totalTokens == needed.usage.totalTokens)
        }
    }

    /// What every session of the run at `config` spent, as its journal has it.
    static func runUsage(_ config: String) throws -> [UsageRecord] {
        let setup = try RunSetup.load(file: config)
        return try RunJournal(path: setup.journalPath, identity: setup.identity, parts: setup.identityParts).earlierUsage
    }

    /// `--dry-run` prices a batch endpoint's calls at its batch price (half, by default).
    @Test func aDryRunPricesBatchCallsAtTheBatchPrice() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(threads: 2)) { server in
            let directory = try Self.makeRun(server, prompts: 10)
            var costs: [String: Double] = [:]
            for name in ["batch", "sync"] {
                let config = "\(directory)/\(name).yaml"
                try String(contentsOfFile: config, encoding: .utf8)
                    .replacingOccurrences(of: "model: sim-model,", with: "model: sim-model, price: {input_per_million: 2, output_per_million: 8},")
                    .write(toFile: config, atomically: true, encoding: .utf8)
                let estimate = try await RunEstimate.make(setup: try RunSetup.load(file: config))
                costs[name] = try #require(estimate.endpoints.first { $0.endpoint == "sim" }?.cost)
            }
            #expect(costs["sync"]! > 0)
            #expect(abs(costs["batch"]! - costs["sync"]! / 2) < 1e-12)
        }
    }

    /// A batch that would pass the request budget is not created; the run stops for the budget.
    @Test func aBatchBeyondTheRequestBudgetIsNotCreated() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2)) { server in
            let directory = try Self.makeRun(server, prompts: 20)
            let config = directory + "/batch.yaml"
            try (String(contentsOfFile: config, encoding: .utf8) + "\nbudget: {max_requests: 30}\n")
                .write(toFile: config, atomically: true, encoding: .utf8)
            let summary = try await RunFixtures.pipeline(config).run()
            #expect(summary.stopReason == .budget)
            #expect(summary.done == 0)
            #expect(server.stats().batches.created == 0)
            #expect(server.stats().requests(path: "/v1/chat/completions") == 0)
        }
    }

    /// A batch is paid for as a whole once submitted: one whose estimated tokens (as the dry run
    /// estimates them) or their cost at the batch price would pass the budget is never submitted.
    @Test(arguments: ["max_tokens: 500", "max_cost: 0.001"])
    func aBatchTheTokenOrCostBudgetCannotPayIsNotSubmitted(_ limit: String) async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2)) { server in
            let directory = try Self.makeRun(server, prompts: 20)
            let config = directory + "/batch.yaml"
            try (String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: "model: sim-model,", with: "model: sim-model, price: {input_per_million: 2, output_per_million: 8},")
                + "\nbudget: {\(limit)}\n")
                .write(toFile: config, atomically: true, encoding: .utf8)
            let summary = try await RunFixtures.pipeline(config).run()
            #expect(summary.stopReason == .budget)
            #expect(summary.done == 0)
            #expect(server.stats().batches.created == 0)
            #expect(server.stats().requests(path: "/v1/chat/completions") == 0)
            // Nothing was spent: the refused batch reserved nothing.
            #expect(UsageRecord.sum(summary.runUsage).totalTokens == 0)
        }
    }

    /// Tokens and cost reserved at submit (estimated) are corrected from the results' usage: a
    /// batch run ends with the synchronous run's tokens and half its cost.
    @Test func batchSpendingIsCorrectedFromTheResultsUsage() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2)) { server in
            let directory = try Self.makeRun(server, prompts: 30)
            var summaries: [String: RunSummary] = [:]
            for name in ["sync", "batch"] {
                let config = "\(directory)/\(name).yaml"
                try (String(contentsOfFile: config, encoding: .utf8)
                    .replacingOccurrences(of: "model: sim-model,", with: "model: sim-model, price: {input_per_million: 2, output_per_million: 8},")
                    .replacingOccurrences(of: "model: sim-judge,", with: "model: sim-judge, price: {input_per_million: 3, output_per_million: 15},")
                    + "\nbudget: {max_cost: 100, max_tokens: 100000000}\n")
                    .write(toFile: config, atomically: true, encoding: .utf8)
                summaries[name] = try await RunFixtures.pipeline(config).run()
            }
            for endpoint in ["sim", "judge"] {
                let sync = UsageRecord.sum(summaries["sync"]!.runUsage.filter { $0.endpoint == endpoint })
                let batch = UsageRecord.sum(summaries["batch"]!.runUsage.filter { $0.endpoint == endpoint })
                #expect(sync.promptTokens > 0)
                #expect(batch.requests == sync.requests, "\(endpoint)")
                #expect(batch.promptTokens == sync.promptTokens, "\(endpoint)")
                #expect(batch.completionTokens == sync.completionTokens, "\(endpoint)")
                #expect(abs(batch.cost - sync.cost / 2) < 1e-9, "\(endpoint): \(batch.cost) vs \(sync.cost)")
            }
        }
    }

    /// An Anthropic judge asked for several samples (`n` > 1, which Anthropic answers with a
    /// call per answer): each answer is its own request in the batch, and the rows are the
    /// synchronous run's.
    @Test func anAnthropicCallWithSeveralAnswersGoesIntoTheBatchAnswerByAnswer() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2)) { server in
            let directory = try Self.makeRun(server, prompts: 30, samples: 2)
            let expected = try await Self.reference(directory)
            server.resetStats()
            let summary = try await RunFixtures.pipeline(directory + "/batch.yaml").run()
            #expect(summary.done == 30)
            #expect(try Self.rows(directory + "/out") == expected)
            let stats = server.stats()
            #expect(stats.requests(path: "/v1/messages") == 0)
            #expect(stats.requests(path: "/v1/chat/completions") == 0)
            // 30 prompts × 2 samples, then 30 judge calls × 2 answers.
            #expect(stats.batches.requestsSubmitted == 120)
        }
    }

    /// The journal records the sampling stage as committed (every sampling batch collected)
    /// before any judge batch starts. A run killed right after that commit resumes with the
    /// judges: no sampling call is collected again, nothing is submitted twice, and the rows are
    /// the synchronous run's.
    @Test(.timeLimit(.minutes(10)))
    func aRunKilledBetweenStagesResumesWithTheJudgesAlone() async throws {
        let prefab = try BuiltProduct.path("prefab")
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2, batchDelaySeconds: 0.3)) { server in
            let directory = try Self.makeRun(server, prompts: 100)
            let expected = try await Self.reference(directory)
            server.resetStats()
            let setup = try RunSetup.load(file: directory + "/batch.yaml")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: prefab)
            process.arguments = ["run", directory + "/batch.yaml"]
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var committed: [CommittedBatchStage] = []
            while process.isRunning {
                committed = (try? RunBatches.committedStages(setup)) ?? []
                if !committed.isEmpty {
                    kill(process.processIdentifier, SIGKILL)
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            await process.exited()
            try #require(committed.count == 1, "the run ended before its sampling stage was seen committed")
            #expect(committed[0].stage == "sample")
            #expect(committed[0].requests == 200)
            #expect(committed[0].succeeded == 200)
            let sampling = try Self.journalBatches(directory).filter { $0.stage == "sample" }
            #expect(sampling.allSatisfy { $0.state == .collected && $0.round <= committed[0].round })

            let final = try await runProcess(prefab, ["run", directory + "/batch.yaml"], currentDirectory: directory)
            #expect(final.status == 0, "\(final.stderr)")
            #expect(try Self.rows(directory + "/out") == expected)
            let batches = try Self.journalBatches(directory)
            #expect(batches.filter { $0.stage == "sample" } == sampling)
            #expect(batches.filter { $0.stage == "judge" }.allSatisfy { $0.round > committed[0].round })
            let stats = server.stats()
            #expect(stats.batches.created == batches.count)
            #expect(stats.batches.requestsSubmitted == 300)
            #expect(try RunBatches.committedStages(setup) == committed)
        }
    }

    @Test func theBatchesCommandListsAndCancels() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 6, threads: 2, batchDelaySeconds: 600)) { server in
            let directory = try Self.makeRun(server, prompts: 5)
            let setup = try RunSetup.load(file: directory + "/batch.yaml")
            let pipeline = RunPipeline(setup: setup)
            let running = Task { try await pipeline.run() }
            var listed: [JournaledBatch] = []
            for _ in 0..<500 {
                listed = try RunBatches.list(setup)
                if listed.contains(where: { $0.batchID != nil }) { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(listed.count == 1)
            pipeline.control.stop(.interrupted)
            _ = try await running.value
            let cancelled = try await RunBatches.cancel(setup)
            #expect(cancelled.map(\.providerState) == ["cancelling"])
            #expect(try RunBatches.list(setup).first?.providerState == "cancelling")
            #expect(server.stats().batches.created == 1)
        }
    }
}
