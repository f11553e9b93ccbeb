import Foundation
import Testing

@testable import Prefab

/// `prefab run --dry-run`: judge calls the cache answers are counted as cached by looking them
/// up, retries are a stated ceiling, and the estimate says how it was made.
@Suite struct RunEstimateTests {
    @Test func judgeCallsTheCacheHoldsAreLookedUpAndCountedAsCached() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 5)
            defer { try? FileManager.default.removeItem(atPath: run.directory) }
            let setup = try RunSetup.load(file: run.config)
            let before = try await RunEstimate.make(setup: setup)
            let judgeBefore = try #require(before.endpoints.first { $0.endpoint == "judge" })
            #expect(judgeBefore.cachedCalls == 0)
            let retries = setup.ensemble.judges.compactMap { if case .llm(let llm) = $0.kind { llm.retries } else { nil } }.max() ?? 0
            #expect(judgeBefore.retryCeiling == judgeBefore.calls * retries)
            #expect(!before.assumptions.isEmpty)

            // Two prompts answered and judged under another output: their judge calls are cached.
            let other = RunFixtures.yaml(server, output: "other")
                .replacingOccurrences(of: "prompts: {path: prompts.jsonl}", with: "prompts: {path: prompts.jsonl, limit: 2}")
            try other.write(toFile: run.directory + "/other.yaml", atomically: true, encoding: .utf8)
            _ = try await RunFixtures.pipeline(run.directory + "/other.yaml").run()
            let paidJudgeCalls = server.stats().models["sim-judge"] ?? 0

            let requestsBefore = server.stats().totalRequests
            let after = try await RunEstimate.make(setup: setup)
            #expect(server.stats().totalRequests == requestsBefore, "a dry run calls nothing")
            let judge = try #require(after.endpoints.first { $0.endpoint == "judge" })
            #expect(judge.cachedCalls == paidJudgeCalls, "every judge call the other run paid for is found in the cache")
            // The three other prompts are still estimated, with their retry ceiling.
            #expect(judge.calls == judge.cachedCalls + judgeBefore.calls / 5 * 3)
            #expect(judge.retryCeiling == judgeBefore.calls / 5 * 3 * retries)
            #expect(after.assumptions.contains { $0.contains("2 of 5 prompts") })
        }
    }
}
