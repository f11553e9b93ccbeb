/// The call slots of a run's endpoints (`limits.max_concurrent` each) and the calls that want
/// them, so a run admits its next prompt when a slot is free rather than when an earlier prompt
/// has finished.
///
/// A window of prompts leaves slots idle: a prompt holds its place until its slowest answer
/// arrives, while its other calls are long done. Counting calls instead keeps every endpoint at
/// its limit (Little's law: calls in flight over latency is the throughput), whatever the
/// latency's spread, without a knob for the user to guess.
///
/// Demand is counted per endpoint: calls started and not finished (waiting in the endpoint's
/// limiter included, so a rate-limited endpoint always has one queued), plus calls reserved for
/// prompts admitted but not started yet, which keeps one burst of admissions from overshooting.
/// Calls count through `Reservation.current`, a task-local the run sets for each prompt's work.
final class CallSlots: Sendable {
    private struct State: Sendable {
        var demand: [String: Int] = [:]
        /// A waiter for `waitForRoom`, and whether room was made since the last wait.
        var waiter: CheckedContinuation<Void, Never>?
        var signalled = false
    }

    /// Slots by endpoint: the endpoints whose room admits prompts (the pool's).
    let admitting: [String: Int]
    /// Slots by endpoint, every endpoint of the run.
    let capacity: [String: Int]
    private let state = Locked(State())

    /// How far past its slots an endpoint's demand may pile up (calls of admitted prompts waiting
    /// for a later stage's endpoint) before no new prompt is admitted: back-pressure, so a slow
    /// judge endpoint bounds the prompts held rather than letting them grow.
    static let backlogFactor = 2

    init(admitting: [String: Int], capacity: [String: Int]) {
        self.admitting = admitting
        self.capacity = capacity
    }

    /// Calls the admitting endpoints may have wanted beyond their slots, as a share of them: a few
    /// calls always wait in each endpoint's limiter, so a slot that frees is taken at once by a
    /// call already made rather than after a new prompt is read, planned and started.
    static let headroom = 0.25

    /// Whether the next prompt may start: the admitting endpoints' demand is under their slots
    /// (plus `headroom`), and no endpoint's backlog is past `backlogFactor` times its slots.
    var hasRoom: Bool {
        state.withLock { state in
            let wanted = admitting.keys.reduce(0) { $0 + state.demand[$1, default: 0] }
            let slots = admitting.values.reduce(0, +)
            guard wanted < slots + Int((Double(slots) * Self.headroom).rounded(.up)) else { return false }
            return capacity.allSatisfy { state.demand[$0.key, default: 0] < Self.backlogFactor * $0.value }
        }
    }

    /// Suspends until a call finishes or a reservation is given back (returns at once when that
    /// happened since the last wait). One waiter at a time: the run's admission loop.
    func waitForRoom() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.signalled {
                    state.signalled = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Wakes `waitForRoom` (also used to let it go when the run ends).
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.signalled = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Reserves `calls` (by endpoint) for a prompt about to start.
    func reserve(_ calls: [String: Int]) -> Reservation {
        state.withLock { state in
            for (endpoint, count) in calls { state.demand[endpoint, default: 0] += count }
        }
        return Reservation(slots: self, calls: calls)
    }

    fileprivate func add(_ count: Int, to endpoint: String) {
        state.withLock { $0.demand[endpoint, default: 0] += count }
        if count < 0 { signal() }
    }

    /// Calls waiting or in flight, and reserved, by endpoint (for tests and the progress display).
    var demand: [String: Int] { state.withLock { $0.demand } }

    /// One prompt's share of the demand: its reserved calls become started calls as they begin,
    /// calls beyond the reservation count as they start, and what was reserved but never asked
    /// (cache hits answered without a call still count; a failed plan) is given back at the end.
    final class Reservation: Sendable {
        @TaskLocal static var current: Reservation?

        private let slots: CallSlots
        private let reserved: Locked<[String: Int]>

        fileprivate init(slots: CallSlots, calls: [String: Int]) {
            self.slots = slots
            reserved = Locked(calls)
        }

        /// A call of `endpoint` begins (it may wait in the endpoint's limiter first).
        func started(_ endpoint: String) {
            let covered = reserved.withLock { reserved -> Bool in
                guard let left = reserved[endpoint], left > 0 else { return false }
                reserved[endpoint] = left - 1
                return true
            }
            if !covered { slots.add(1, to: endpoint) }
        }

        /// A call of `endpoint` ended, answered or not.
        func finished(_ endpoint: String) {
            slots.add(-1, to: endpoint)
        }

        /// Gives back what was reserved and not started. Called once the prompt's work is over.
        func release() {
            let left = reserved.withLock { reserved -> [String: Int] in
                defer { reserved = [:] }
                return reserved
            }
            for (endpoint, count) in left where count > 0 { slots.add(-count, to: endpoint) }
        }
    }
}
