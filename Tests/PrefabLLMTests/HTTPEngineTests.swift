import Foundation
import PrefabSimulator
import Testing
@testable import PrefabLLM

/// The curl multi engine: many transfers in flight, cancellation, timeouts.
@Suite struct HTTPEngineTests {
    @Test func thousandConcurrentRequestsAreAllAnswered() async throws {
        try await SimFixture.with(SimulatorConfiguration(responseWords: 5, latency: .fixed(milliseconds: 200), threads: 2)) { sim in
            let client = try EndpointClient(configuration: sim.openAI(limits: EndpointLimits(maxConcurrent: 1000)))

            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let response = try await client.chat(SimFixture.ask("Question \(index)"))
                        return !response.text.isEmpty
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }

            #expect(answered == 1000)
            #expect(sim.server.stats().count(path: "/v1/chat/completions", status: 200) == 1000)
            // With 200 ms of latency per answer, 1,000 answers only come back this fast if
            // most of them were in flight together.
            #expect(client.limiterStatistics.peakInFlight > 500)
        }
    }

    @Test func cancellingTheTaskRemovesTheTransfer() async throws {
        try await SimFixture.with { sim in
            let engine = HTTPEngine.shared
            let request = HTTPRequest(
                method: .post, url: sim.server.baseURL + "/v1/chat/completions",
                headers: ["Content-Type": "application/json", "x-sim-fault": "hang"],
                body: Data(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8), timeout: 60)

            let task = Task { try await engine.send(request) }
            try await waitUntil { sim.server.stats().inFlight == 1 }
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()

            await #expect(throws: CancellationError.self) { _ = try await task.value }
            #expect(clock.now - start < .seconds(5))
            // The connection closes, so the simulator stops waiting on its hanging request.
            try await waitUntil { sim.server.stats().inFlight == 0 }
        }
    }

    @Test func cancellingAClientCallStopsItsRetriesAndTransfer() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI(headers: ["x-sim-fault": "hang"]))

            let task = Task { try await client.chat(SimFixture.ask("Hello.")) }
            try await waitUntil { sim.server.stats().inFlight == 1 }
            task.cancel()

            await #expect(throws: CancellationError.self) { _ = try await task.value }
            try await waitUntil { sim.server.stats().inFlight == 0 }
            #expect(sim.server.stats().totalRequests == 1)
            #expect(client.limiterStatistics.inFlight == 0)
        }
    }

    @Test func aTaskCancelledBeforeSendingNeverReachesTheServer() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.chat(SimFixture.ask("Hello."))
            }

            await #expect(throws: CancellationError.self) { _ = try await task.value }
            #expect(sim.server.stats().totalRequests == 0)
        }
    }

    @Test func sequentialRequestsReuseOneKeptAliveConnection() async throws {
        try await SimFixture.with { sim in
            let engine = HTTPEngine()
            defer { engine.shutdown() }
            var connections: [Int] = []
            for _ in 0..<10 {
                let response = try await engine.send(HTTPRequest(url: sim.server.baseURL + "/v1/models"))
                #expect(response.status == 200)
                #expect(response.httpVersion == "1.1")
                connections.append(response.newConnections)
            }
            #expect(connections == [1] + Array(repeating: 0, count: 9))
        }
    }

    @Test func raisesTheOpenFileLimitToTheHardLimit() {
        var limits = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        #expect(HTTPEngine.shared.openFileLimit == UInt64(limits.rlim_max))
        #expect(limits.rlim_cur == limits.rlim_max)
    }

    @Test func engineShutdownFailsNewRequests() async throws {
        let engine = HTTPEngine()
        engine.shutdown()
        await #expect(throws: TransportError.self) {
            _ = try await engine.send(HTTPRequest(url: "http://127.0.0.1:9/"))
        }
    }
}

/// Polls `condition` every 10 ms for up to `seconds`.
func waitUntil(seconds: Double = 10, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(seconds) s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
