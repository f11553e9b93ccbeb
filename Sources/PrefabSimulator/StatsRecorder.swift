import NIOConcurrencyHelpers
import PrefabShards

/// The simulator's shared counters: request stats, `x-sim-fail-times` budgets and the request
/// sequence that seeds random faults. Event-loop threads update it under one lock, twice per
/// request (arrival and answer), which stays far below the cost of the HTTP work around it.
final class StatsRecorder: Sendable {
    private struct State {
        var stats = SimulatorStats()
        var bodyHashes = Set<UInt64>()
        var failuresServed: [String: Int] = [:]
        var sequence: UInt64 = 0
    }

    /// Distinct paths tracked one by one; further unknown paths are counted under "(other)".
    private static let maximumPaths = 64

    private let state = NIOLockedValueBox(State())

    /// Counts a request's arrival and returns its sequence number (0, 1, 2, ...).
    func arrive(path: String, bodyHash: UInt64) -> UInt64 {
        state.withLockedValue { state in
            let sequence = state.sequence
            state.sequence += 1
            state.stats.totalRequests += 1
            state.stats.inFlight += 1
            let key = Self.key(for: path, in: state.stats)
            state.stats.paths[key, default: .init()].requests += 1
            if state.bodyHashes.insert(bodyHash).inserted { state.stats.uniqueBodies += 1 }
            return sequence
        }
    }

    /// Counts the end of a request: answered with `status`, or abandoned (`nil`: hang, reset).
    func finish(path: String, status: Int?) {
        state.withLockedValue { state in
            state.stats.inFlight -= 1
            guard let status else { return }
            let key = Self.key(for: path, in: state.stats)
            state.stats.paths[key, default: .init()].statuses[String(status), default: 0] += 1
        }
    }

    /// Counts what an answered generation request asked for and what it cost.
    func recordGeneration(model: String, promptTokens: Int, completionTokens: Int, seeded: Bool, structured: Bool) {
        state.withLockedValue { state in
            if state.stats.models[model] != nil || state.stats.models.count < Self.maximumPaths {
                state.stats.models[model, default: 0] += 1
            }
            state.stats.promptTokens += promptTokens
            state.stats.completionTokens += completionTokens
            if seeded { state.stats.seededRequests += 1 }
            if structured { state.stats.structuredRequests += 1 }
        }
    }

    /// Counts a batch created on `provider` ("openai", "anthropic") with `requests` requests.
    func recordBatch(provider: String, requests: Int) {
        state.withLockedValue { state in
            state.stats.batches.created += 1
            state.stats.batches.requestsSubmitted += requests
            state.stats.batches.byProvider[provider, default: 0] += 1
        }
    }

    func recordFault(_ name: String) {
        state.withLockedValue { $0.stats.faults[name, default: 0] += 1 }
    }

    /// Whether a request whose (path, body) digest is `key` still gets its `x-sim-fault`: true
    /// for the first `limit` such requests, false after.
    func takeFailure(key: String, limit: Int) -> Bool {
        state.withLockedValue { state in
            let served = state.failuresServed[key, default: 0]
            guard served < limit else { return false }
            state.failuresServed[key] = served + 1
            return true
        }
    }

    /// Zeroes the stats, the fail-times counters and the sequence. Requests still in flight stay
    /// counted as in flight so the count returns to zero when they finish.
    func reset() {
        state.withLockedValue { state in
            let inFlight = state.stats.inFlight
            state = State()
            state.stats.inFlight = inFlight
        }
    }

    func snapshot() -> SimulatorStats {
        state.withLockedValue { $0.stats }
    }

    /// The digest that `x-sim-fail-times` counts by: SHA-256 of the path, a NUL, and the body.
    static func failureKey(path: String, body: [UInt8]) -> String {
        var digest = Digest(.sha256)
        digest.update(Array(path.utf8) + [0])
        digest.update(body)
        return digest.finalizeHex()
    }

    private static func key(for path: String, in stats: SimulatorStats) -> String {
        stats.paths[path] != nil || stats.paths.count < maximumPaths ? path : "(other)"
    }
}
