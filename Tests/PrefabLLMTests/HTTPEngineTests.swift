import Foundation
import PrefabSimulator
import Testing
@testable import PrefabLLM

/// The curl multi engine: many transfers in flight, cancellation, timeouts. Serialized: the
/// thousand-request load would otherwise starve the timing of the cancellation tests beside it.
@Suite(.serialized) struct HTTPEngineTests {
    @Test func thousandConcurrentRequestsAreAllAnswered() async throws {
        try await SimFixture.with(SimulatorConfiguration(responseWords: 5, latency: .fixed(milliseconds: 3000), threads: 2)) { sim in
            let engine = HTTPEngine()
            defer { engine.shutdown() }
            let client = try EndpointClient(configuration: sim.openAI(limits: EndpointLimits(maxConcurrent: 1000)), engine: engine)
            // Samples how many transfers the engine and the simulator hold at once during the load,
            // on a thread of its own: a task could wait behind the whole suite's tasks on a
            // loaded 2-core machine and see nothing.
            let watcher = PeakWatcher { (engine.inFlight, sim.server.stats().inFlight) }

            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let response = try await client.chat(SimFixture.ask("Question \(index)"))
                        return !response.text.isEmpty
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            let mostAtOnce = watcher.stop()

            #expect(answered == 1000)
            #expect(sim.server.stats().count(path: "/v1/chat/completions", status: 200) == 1000)
            // (Nearly) every request was handed to the one multi handle before the first answer
            // came back (each takes 3 s), and the server held many of them at once (how many
            // depends on how fast a loaded machine opens a thousand connections).
            #expect(mostAtOnce.engine >= 900, "the engine held at most \(mostAtOnce.engine) transfers at once")
            #expect(mostAtOnce.server >= 100, "the simulator held at most \(mostAtOnce.server) requests at once")
        }
    }

    @Test func cancellingTheTaskRemovesTheTransfer() async throws {
        try await SimFixture.with { sim in
            // An engine of its own: the shared one carries every other test's transfers, and on
            // a loaded machine its thread may be busy with them for seconds.
            let engine = HTTPEngine()
            defer { engine.shutdown() }
            let request = HTTPRequest(
                method: .post, url: sim.server.baseURL + "/v1/chat/completions",
                headers: ["Content-Type": "application/json", "x-sim-fault": "hang"],
                body: Data(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8), timeout: 300)

            let task = Task { try await engine.send(request) }
            try await waitUntil { sim.server.stats().inFlight == 1 }
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()

            await #expect(throws: CancellationError.self) { _ = try await task.value }
            // Well before the transfer's own 300 s timeout: cancelled, not timed out. (A minute, as
            // on a loaded machine this task itself can wait half a minute for a thread.)
            #expect(clock.now - start < .seconds(60))
            // The connection closes, so the simulator stops waiting on its hanging request.
            try await waitUntil { sim.server.stats().inFlight == 0 }
        }
    }

    @Test func cancellingAClientCallStopsItsRetriesAndTransfer() async throws {
        try await SimFixture.with { sim in
            let engine = HTTPEngine()
            defer { engine.shutdown() }
            let client = try EndpointClient(configuration: sim.openAI(headers: ["x-sim-fault": "hang"]), engine: engine)

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

/// Polls two counters every 20 ms on its own thread and keeps their peaks.
final class PeakWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var peaks = (engine: 0, server: 0)
    private var running = true
    private var thread: Thread?

    init(_ sample: @escaping @Sendable () -> (Int, Int)) {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                let (engine, server) = sample()
                lock.withLock { peaks = (max(peaks.engine, engine), max(peaks.server, server)) }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        self.thread = thread
        thread.start()
    }

    /// Stops polling and returns the peaks seen.
    func stop() -> (engine: Int, server: Int) {
        lock.withLock {
            running = false
            return peaks
        }
    }
}
