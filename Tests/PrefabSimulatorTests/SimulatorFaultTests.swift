import Foundation
import PrefabTestSupport
import PrefabShards
@testable import PrefabSimulator
import Testing

@Suite struct SimulatorFaultTests {
    private let body = SimulatorHarness.chatBody("Is this a fault?", #""max_tokens":5"#)

    @Test(arguments: [500, 503, 429, 408, 401])
    func statusFaultAnswersThatStatusWithAnErrorBody(status: Int) async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": "status=\(status)"]
            )
            #expect(exchange.status == status)
            let error = try #require(try exchange.json()["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains("prefab-sim") == true)
            #expect(exchange.headers["retry-after"] == nil)
            #expect(server.stats().faults["status_\(status)"] == 1)
            #expect(server.stats().count(path: "/v1/chat/completions", status: status) == 1)
        }
    }

    @Test func retryAfterSecondsAndDateHeaders() async throws {
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/chat/completions"
            let seconds = try await SimulatorHarness.curl(url, json: body, headers: ["x-sim-fault": "status=429;retry-after=2"])
            #expect(seconds.status == 429)
            #expect(seconds.headers["retry-after"] == "2")

            // Bounds from the clock around the exchange, not after it: a loaded machine may take
            // seconds to run curl, and the date is fixed when the server answers.
            let sent = Date()
            let dated = try await SimulatorHarness.curl(url, json: body, headers: ["x-sim-fault": "status=503; retry-after-date"])
            #expect(dated.status == 503)
            let text = try #require(dated.headers["retry-after"])
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = try #require(formatter.date(from: text), "not an IMF-fixdate: \(text)")
            // The server sets it 2 to 3 s past its answer; whole seconds can cut up to 1 s.
            #expect(date.timeIntervalSince(sent) >= 1, "Retry-After date is only \(date.timeIntervalSince(sent)) s after the request")
            #expect(date.timeIntervalSinceNow <= 3.5, "Retry-After date is \(date.timeIntervalSinceNow) s ahead")
        }
    }

    @Test func anthropicPathGetsAnthropicErrorShape() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/messages", json: "{}",
                headers: ["x-sim-fault": "status=529", "anthropic-version": "2023-06-01"]
            )
            #expect(exchange.status == 529)
            let json = try exchange.json()
            #expect(json["type"] as? String == "error")
            #expect((json["error"] as? [String: Any])?["type"] as? String == "overloaded_error")
        }
    }

    @Test func hangNeverAnswersAndDoesNotBlockOtherRequests() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(threads: 1)) { server in
            let url = server.baseURL + "/v1/chat/completions"
            async let hung = SimulatorHarness.curl(url, json: body, headers: ["x-sim-fault": "hang"], timeout: 15)
            // Once the hung request has reached the server, the same (single) event loop keeps
            // answering others. Waits for arrival (the fault counter, which a slow look cannot
            // miss as it can miss a short stay in flight) rather than a fixed time: a loaded
            // machine may take a while to start curl (up to 30 s here; curl's own 15 s start
            // when it runs).
            for _ in 0..<1_500 where (server.stats().faults["hang"] ?? 0) == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(server.stats().inFlight == 1)
            let normal = try await SimulatorHarness.curl(url, json: body)
            #expect(normal.status == 200)
            #expect(server.stats().inFlight == 1)
            let result = try await hung
            #expect(result.exitCode == 28, "curl timed out")
            #expect(result.body.isEmpty)
            // The client closed its connection: the hung request is no longer in flight.
            var inFlight = server.stats().inFlight
            for _ in 0..<250 where inFlight != 0 {
                try await Task.sleep(for: .milliseconds(20))
                inFlight = server.stats().inFlight
            }
            #expect(inFlight == 0)
            #expect(server.stats().faults["hang"] == 1)
            #expect(server.stats().requests(path: "/v1/chat/completions") == 2)
        }
    }

    @Test func stopClosesHangingConnections() async throws {
        let server = SimulatorServer(configuration: SimulatorConfiguration(threads: 1))
        try await server.start()
        async let hung = SimulatorHarness.curl(
            server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": "hang"], timeout: 60
        )
        // Waits for arrival (up to 30 s: a loaded machine may take a while to start curl).
        var inFlight = 0
        for _ in 0..<1_500 where inFlight == 0 {
            try await Task.sleep(for: .milliseconds(20))
            inFlight = server.stats().inFlight
        }
        #expect(inFlight == 1)
        try await server.stop()
        let result = try await hung
        #expect(result.exitCode == 52, "curl saw the connection close (empty reply), not its own timeout")
    }

    @Test func malformedIsA200WithInvalidJSON() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": "malformed"])
            #expect(exchange.exitCode == 0)
            #expect(exchange.status == 200)
            #expect(exchange.headers["content-type"] == "application/json")
            #expect((try? JSONSerialization.jsonObject(with: exchange.body)) == nil)
        }
    }

    @Test func truncateSendsLessThanContentLength() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": "truncate"])
            #expect(exchange.exitCode == 18, "curl: partial file")
            #expect(exchange.status == 200)
            let declared = try #require(exchange.headers["content-length"].flatMap { Int($0) })
            #expect(exchange.body.count < declared)
            #expect(!exchange.body.isEmpty)
        }
    }

    @Test func resetClosesTheConnectionWithoutAnswer() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": "reset"])
            #expect([52, 56].contains(exchange.exitCode), "curl: empty reply or connection reset, got \(exchange.exitCode)")
            #expect(exchange.status == 0)
            #expect(server.stats().faults["reset"] == 1)
            #expect(server.stats().inFlight == 0)
        }
    }

    @Test func latencyHeaderDelaysTheAnswer() async throws {
        try await SimulatorHarness.run { server in
            let clock = ContinuousClock()
            let start = clock.now
            let exchange = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": "latency=400"])
            #expect(exchange.status == 200)
            #expect(clock.now - start >= .milliseconds(400))
        }
    }

    @Test func failTimesAppliesTheFaultToTheFirstNIdenticalRequestsOnly() async throws {
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/chat/completions"
            let headers = ["x-sim-fault": "status=503", "x-sim-fail-times": "2"]
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await SimulatorHarness.curl(url, json: body, headers: headers).status)
            }
            #expect(statuses == [503, 503, 200, 200])
            // Another body has its own count.
            let other = SimulatorHarness.chatBody("A different question")
            #expect(try await SimulatorHarness.curl(url, json: other, headers: headers).status == 503)
            // Reset forgets the counts.
            #expect(try await SimulatorHarness.curl(server.baseURL + "/sim/reset", method: "POST").status == 200)
            #expect(try await SimulatorHarness.curl(url, json: body, headers: headers).status == 503)
            let stats = server.stats()
            #expect(stats.totalRequests == 1)
            #expect(stats.count(path: "/v1/chat/completions", status: 503) == 1)
        }
    }

    @Test func invalidFaultHeadersAreRefusedWithTheReason() async throws {
        try await SimulatorHarness.run { server in
            for header in ["status=abc", "explode", "retry-after=2", "hang;reset"] {
                let exchange = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": header])
                #expect(exchange.status == 400, "\(header)")
                #expect(exchange.text.contains("x-sim-fault"))
            }
        }
    }

    @Test func randomFaultsFollowTheConfiguredRatesDeterministically() {
        func outcomes(seed: UInt64) -> [String] {
            let engine = SimulatorEngine(configuration: SimulatorConfiguration(
                seed: seed, errorRates: [503: 0.2, 429: 0.1], retryAfterSeconds: 3, hangRate: 0.05, resetRate: 0.05
            ))
            return (0..<1000).map { _ in
                let reply = engine.handle(SimulatorRequest(method: "POST", path: "/v1/chat/completions", body: Array(body.utf8)))
                engine.finished(reply, delivered: true)
                switch reply.delivery {
                case .hang: return "hang"
                case .reset: return "reset"
                default:
                    if reply.status == 429 || reply.status == 503 {
                        #expect(reply.headers.contains { $0 == ("retry-after", "3") })
                    }
                    return String(reply.status)
                }
            }
        }
        let first = outcomes(seed: 11)
        #expect(first == outcomes(seed: 11))
        #expect(first != outcomes(seed: 12))
        let counts = Dictionary(grouping: first, by: { $0 }).mapValues(\.count)
        #expect((140...260).contains(counts["503"] ?? 0), "\(counts)")
        #expect((60...140).contains(counts["429"] ?? 0), "\(counts)")
        #expect((20...80).contains(counts["hang"] ?? 0), "\(counts)")
        #expect((20...80).contains(counts["reset"] ?? 0), "\(counts)")
        #expect((500...700).contains(counts["200"] ?? 0), "\(counts)")
    }

    @Test func configuredLatencyDistributionsStayInTheirBounds() {
        var generator = SplitMix64(seed: 1)
        let uniform = SimulatorConfiguration.Latency.uniform(minMilliseconds: 10, maxMilliseconds: 20)
        #expect((0..<1000).map { _ in uniform.sample(using: &generator) }.allSatisfy { (10...20).contains($0) })
        let logNormal = SimulatorConfiguration.Latency.logNormal(medianMilliseconds: 100, sigma: 0.5)
        let samples = (0..<2001).map { _ in logNormal.sample(using: &generator) }.sorted()
        #expect(samples.allSatisfy { $0 > 0 })
        #expect((85...115).contains(samples[1000]), "median \(samples[1000])")
    }
}
