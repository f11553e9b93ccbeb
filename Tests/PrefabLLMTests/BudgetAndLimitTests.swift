import Foundation
import PrefabSimulator
import Testing
@testable import PrefabLLM

/// Budgets stop new calls; limits pace calls; 429s lower the concurrency ceiling.
@Suite struct BudgetAndLimitTests {
    @Test func aRequestBudgetStopsNewCallsExactlyAtTheLimit() async throws {
        try await SimFixture.with { sim in
            let ledger = UsageLedger(budget: Budget(maxRequests: 5))
            let client = try EndpointClient(configuration: sim.openAI(), ledger: ledger)

            let outcomes = await withTaskGroup(of: Result<ChatResponse, any Error>.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do { return .success(try await client.chat(SimFixture.ask("Q\(index)"))) } catch { return .failure(error) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }

            let successes = outcomes.filter { if case .success = $0 { true } else { false } }
            #expect(successes.count == 5)
            for case .failure(let error) in outcomes {
                guard case EndpointError.budgetExhausted(.requests(5)) = error else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
            }
            #expect(sim.server.stats().totalRequests == 5)
        }
    }

    @Test func aTokenBudgetStopsCallsOnceFinishedCallsReachIt() async throws {
        try await SimFixture.with { sim in
            let ledger = UsageLedger(budget: Budget(maxTokens: 1))
            let client = try EndpointClient(configuration: sim.openAI(), ledger: ledger)

            _ = try await client.chat(SimFixture.ask("First."))
            await #expect(throws: EndpointError.self) { _ = try await client.chat(SimFixture.ask("Second.")) }

            #expect(sim.server.stats().totalRequests == 1)
        }
    }

    @Test func costComesFromThePriceTableAndACostBudgetStopsCalls() async throws {
        try await SimFixture.with { sim in
            let ledger = UsageLedger(budget: Budget(maxCost: 0.000001))
            let price = Price(inputPerMillion: 2, outputPerMillion: 8)
            let client = try EndpointClient(configuration: sim.openAI(price: price), ledger: ledger)

            let response = try await client.chat(SimFixture.ask("First."))
            do {
                _ = try await client.chat(SimFixture.ask("Second."))
                Issue.record("expected the cost budget to stop the call")
            } catch let EndpointError.budgetExhausted(limit) {
                #expect(limit == .cost(0.000001))
            }

            let record = try #require(ledger.records.first)
            #expect(record.endpoint == "sim")
            #expect(record.model == "sim-model")
            #expect(record.requests == 1)
            #expect(record.promptTokens == response.usage.promptTokens)
            #expect(record.completionTokens == response.usage.completionTokens)
            let expected = (Double(response.usage.promptTokens) * 2 + Double(response.usage.completionTokens) * 8) / 1_000_000
            #expect(abs(record.cost - expected) < 1e-12)
        }
    }

    @Test func cacheHitsCostNothingAgainstTheBudget() async throws {
        let directory = try TemporaryDirectory()
        try await SimFixture.with { sim in
            let ledger = UsageLedger(budget: Budget(maxRequests: 1))
            let cache = try ResponseCache(path: directory.path + "/cache.sqlite")
            let client = CachedChatClient(try EndpointClient(configuration: sim.openAI(), ledger: ledger), cache: cache)

            for _ in 0..<5 { _ = try await client.chat(SimFixture.ask("Same.")) }

            #expect(ledger.total.requests == 1)
            try await cache.close()
        }
    }

    @Test func accountingIsPerEndpointAndModel() async throws {
        try await SimFixture.with { sim in
            let ledger = UsageLedger()
            let first = try EndpointClient(configuration: sim.openAI("first"), ledger: ledger)
            let second = try EndpointClient(configuration: sim.openAI("second"), ledger: ledger)

            _ = try await first.chat(SimFixture.ask("A"))
            var other = SimFixture.ask("B")
            other.model = "other-model"
            _ = try await first.chat(other)
            _ = try await second.chat(SimFixture.ask("C"))
            _ = try await second.chat(SimFixture.ask("D"))

            let rows = ledger.records.map { "\($0.endpoint)/\($0.model)=\($0.requests)" }
            #expect(rows == ["first/other-model=1", "first/sim-model=1", "second/sim-model=2"])
            #expect(ledger.total.requests == 4)
        }
    }

    @Test func maxConcurrentCapsCallsInFlight() async throws {
        try await SimFixture.with(SimulatorConfiguration(latency: .fixed(milliseconds: 20), threads: 2)) { sim in
            let client = try EndpointClient(configuration: sim.openAI(limits: EndpointLimits(maxConcurrent: 4)))

            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask { _ = try await client.chat(SimFixture.ask("Q\(index)")) }
                }
                try await group.waitForAll()
            }

            #expect(client.limiterStatistics.peakInFlight == 4)
            #expect(sim.server.stats().count(path: "/v1/chat/completions", status: 200) == 40)
        }
    }

    @Test func throttlingHalvesTheConcurrencyCeiling() async throws {
        try await SimFixture.with { sim in
            let configuration = sim.openAI(
                headers: ["x-sim-fault": "status=429", "x-sim-fail-times": "1"],
                limits: EndpointLimits(maxConcurrent: 16))
            let client = try EndpointClient(configuration: configuration)

            _ = try await client.chat(SimFixture.ask("Hello."))

            let statistics = client.limiterStatistics
            #expect(statistics.throttled == 1)
            // Halved to 8, then one success adds 1/8.
            #expect(statistics.concurrencyCeiling == 8)
        }
    }

    @Test func withoutAdaptationA429LeavesTheCeilingAlone() async throws {
        try await SimFixture.with { sim in
            let configuration = sim.openAI(
                headers: ["x-sim-fault": "status=429", "x-sim-fail-times": "1"],
                limits: EndpointLimits(maxConcurrent: 16, adaptive: false))
            let client = try EndpointClient(configuration: configuration)

            _ = try await client.chat(SimFixture.ask("Hello."))

            #expect(client.limiterStatistics.concurrencyCeiling == 16)
        }
    }

    @Test func aRequestsPerMinuteLimitSpacesCallsOut() async throws {
        try await SimFixture.with { sim in
            // 120/min: a burst of 20 (ten seconds' worth), then one every 0.5 s.
            let client = try EndpointClient(configuration: sim.openAI(limits: EndpointLimits(requestsPerMinute: 120)))
            let clock = ContinuousClock()
            let start = clock.now

            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<22 {
                    group.addTask { _ = try await client.chat(SimFixture.ask("Q\(index)")) }
                }
                try await group.waitForAll()
            }

            // Two calls past the burst need at least about 1 s of refill (a lower bound only).
            #expect(clock.now - start >= .milliseconds(900))
            #expect(sim.server.stats().totalRequests == 22)
        }
    }
}
