import Foundation
import Testing
@testable import PrefabLLM

/// Each injected fault gives the documented behaviour: transient ones are retried (and then
/// succeed, or fail with the last cause), final ones fail at once with the server's message.
@Suite struct RetryBehaviourTests {
    private func client(_ sim: SimFixture, fault: String, failTimes: Int? = nil,
                        retry: RetryPolicy = SimFixture.fastRetry,
                        timeouts: Timeouts = Timeouts(connect: 5, request: 30)) throws -> EndpointClient {
        var headers = ["x-sim-fault": fault]
        if let failTimes { headers["x-sim-fail-times"] = String(failTimes) }
        return try EndpointClient(configuration: sim.openAI(headers: headers, retry: retry, timeouts: timeouts))
    }

    private func chatRequests(_ sim: SimFixture) -> Int {
        sim.server.stats().requests(path: "/v1/chat/completions")
    }

    @Test(arguments: [500, 502, 503, 408, 409, 429])
    func transientStatusIsRetriedUntilItSucceeds(status: Int) async throws {
        try await SimFixture.with { sim in
            let ledger = UsageLedger()
            let configuration = sim.openAI(headers: ["x-sim-fault": "status=\(status)", "x-sim-fail-times": "2"])
            let client = try EndpointClient(configuration: configuration, ledger: ledger)

            let response = try await client.chat(SimFixture.ask("Hello."))

            #expect(!response.text.isEmpty)
            #expect(chatRequests(sim) == 3)
            #expect(sim.server.stats().count(path: "/v1/chat/completions", status: status) == 2)
            #expect(ledger.total.retries == 2)
            #expect(ledger.total.requests == 1)
        }
    }

    @Test func persistentServerErrorFailsAfterMaxAttemptsWithTheLastCause() async throws {
        try await SimFixture.with { sim in
            let client = try client(sim, fault: "status=503", retry: RetryPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.02))

            do {
                _ = try await client.chat(SimFixture.ask("Hello."))
                Issue.record("expected a failure")
            } catch let error as EndpointError {
                guard case .retriesExhausted(_, let attempts, let last) = error else {
                    Issue.record("expected retriesExhausted, got \(error)")
                    return
                }
                #expect(attempts == 3)
                #expect(last.status == 503)
                #expect(error.description.contains("HTTP 503"))
                #expect(error.description.contains("3 attempts"))
            }
            #expect(chatRequests(sim) == 3)
        }
    }

    @Test(arguments: [400, 401, 403, 404])
    func clientErrorFailsAtOnceWithTheServersMessage(status: Int) async throws {
        try await SimFixture.with { sim in
            let client = try client(sim, fault: "status=\(status)")

            do {
                _ = try await client.chat(SimFixture.ask("Hello."))
                Issue.record("expected a failure")
            } catch let error as EndpointError {
                guard case .http(let endpoint, let got, let message) = error else {
                    Issue.record("expected an HTTP error, got \(error)")
                    return
                }
                #expect(endpoint == "sim")
                #expect(got == status)
                #expect(!message.isEmpty && message != "(empty body)")
            }
            #expect(chatRequests(sim) == 1)
        }
    }

    @Test func badRequestFromTheServerItselfCarriesItsExplanation() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            do {
                _ = try await client.chat(SimFixture.ask("Hello.", GenerationParameters(temperature: 7)))
                Issue.record("expected a failure")
            } catch let error as EndpointError {
                #expect(error.status == 400)
                #expect(error.description.contains("temperature"))
            }
        }
    }

    @Test func retryAfterSecondsIsHonoured() async throws {
        try await SimFixture.with { sim in
            let client = try client(sim, fault: "status=429;retry-after=1", failTimes: 1)
            let clock = ContinuousClock()

            let start = clock.now
            _ = try await client.chat(SimFixture.ask("Hello."))
            let elapsed = clock.now - start

            // The fast retry policy alone would have waited at most 10 ms.
            #expect(elapsed >= .milliseconds(950))
            #expect(chatRequests(sim) == 2)
        }
    }

    @Test func retryAfterHTTPDateIsHonoured() async throws {
        try await SimFixture.with { sim in
            let client = try client(sim, fault: "status=429;retry-after-date=2", failTimes: 1)
            let clock = ContinuousClock()

            let start = clock.now
            _ = try await client.chat(SimFixture.ask("Hello."))
            let elapsed = clock.now - start

            // An HTTP date has whole-second resolution: 2 s ahead means more than 1 s from now.
            #expect(elapsed >= .milliseconds(900))
            #expect(chatRequests(sim) == 2)
        }
    }

    @Test func hangPastTheTimeoutIsRetriedAsATimeout() async throws {
        try await SimFixture.with { sim in
            // Long enough that the retried (answered) request never times out on a loaded machine;
            // the hung one always does.
            let client = try client(sim, fault: "hang", failTimes: 1, timeouts: Timeouts(connect: 2, request: 3))

            let response = try await client.chat(SimFixture.ask("Hello."))

            #expect(!response.text.isEmpty)
            #expect(chatRequests(sim) == 2)
        }
    }

    @Test func persistentHangFailsWithATimeout() async throws {
        try await SimFixture.with { sim in
            let client = try client(
                sim, fault: "hang", retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.01),
                timeouts: Timeouts(connect: 2, request: 0.2))

            do {
                _ = try await client.chat(SimFixture.ask("Hello."))
                Issue.record("expected a failure")
            } catch let EndpointError.retriesExhausted(_, attempts, last) {
                #expect(attempts == 2)
                guard case .transport(_, let transport) = last else {
                    Issue.record("expected a transport error, got \(last)")
                    return
                }
                #expect(transport.kind == .timeout)
            }
        }
    }

    @Test(arguments: ["malformed", "truncate", "reset"])
    func brokenResponseIsRetriedAsTransient(fault: String) async throws {
        try await SimFixture.with { sim in
            let client = try client(sim, fault: fault, failTimes: 2)

            let response = try await client.chat(SimFixture.ask("Hello."))

            #expect(!response.text.isEmpty)
            #expect(chatRequests(sim) == 3)
        }
    }

    @Test func persistentlyMalformedBodyEndsInAClearError() async throws {
        try await SimFixture.with { sim in
            let client = try client(sim, fault: "malformed", retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.01))

            do {
                _ = try await client.chat(SimFixture.ask("Hello."))
                Issue.record("expected a failure")
            } catch let EndpointError.retriesExhausted(_, _, last) {
                guard case .malformedResponse(let endpoint, let detail) = last else {
                    Issue.record("expected malformedResponse, got \(last)")
                    return
                }
                #expect(endpoint == "sim")
                #expect(detail.contains("JSON"))
            }
        }
    }

    @Test func persistentlyTruncatedBodyEndsInAConnectionLostError() async throws {
        try await SimFixture.with { sim in
            let client = try client(sim, fault: "truncate", retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.01))

            do {
                _ = try await client.chat(SimFixture.ask("Hello."))
                Issue.record("expected a failure")
            } catch let EndpointError.retriesExhausted(_, _, last) {
                guard case .transport(_, let transport) = last else {
                    Issue.record("expected a transport error, got \(last)")
                    return
                }
                #expect(transport.kind == .connectionLost)
            }
        }
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        // A port nothing listens on: bind-and-close leaves it free.
        let configuration = EndpointConfiguration(
            name: "nowhere", provider: .openAICompatible, baseURL: "http://127.0.0.1:9/v1", model: "m",
            timeouts: Timeouts(connect: 1, request: 2), retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.01))
        let client = try EndpointClient(configuration: configuration)

        do {
            _ = try await client.chat(SimFixture.ask("Hello."))
            Issue.record("expected a failure")
        } catch let EndpointError.retriesExhausted(_, attempts, last) {
            #expect(attempts == 2)
            guard case .transport(_, let transport) = last else {
                Issue.record("expected a transport error, got \(last)")
                return
            }
            #expect(transport.kind == .connect)
        }
    }
}
