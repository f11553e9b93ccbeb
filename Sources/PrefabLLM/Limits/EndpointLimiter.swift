/// Paces one endpoint's calls: a ceiling on requests in flight, request and token buckets, and
/// adaptive back-off after 429s.
///
/// The concurrency ceiling follows AIMD: a 429 halves it (at most once per second, so one burst of
/// rejections counts once) and every success raises it by 1/ceiling, about one slot per ceiling's
/// worth of successes, back up to `maxConcurrent`. A 429's `Retry-After` also pauses new starts
/// until it has passed. A lock rather than an actor guards the state because task cancellation
/// handlers, which cannot wait, must remove waiters.
final class EndpointLimiter: Sendable {
    /// Returned by `acquire`, handed back to `release`.
    struct Permit: Sendable {
        let estimatedTokens: Double
    }

    enum Outcome {
        case success(tokens: Int)
        case throttled(retryAfter: Double?)
        case failure
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var ceiling: Double
        var inFlight = 0
        var peakInFlight = 0
        var waiters: [Waiter] = []
        var waiterHead = 0
        var nextWaiterID: UInt64 = 0
        var requests: TokenBucket?
        var tokens: TokenBucket?
        var pausedUntil: ContinuousClock.Instant?
        var lastDecrease: ContinuousClock.Instant?
        var throttledCount = 0

        var slots: Int { max(1, Int(ceiling)) }
        var queued: Int { waiters.count - waiterHead }
    }

    let limits: EndpointLimits
    private let state: Locked<State>
    private let clock = ContinuousClock()

    init(limits: EndpointLimits) {
        self.limits = limits
        let now = ContinuousClock.now
        var initial = State(ceiling: Double(limits.maxConcurrent))
        initial.requests = limits.requestsPerMinute.map { TokenBucket(perMinute: $0, now: now) }
        initial.tokens = limits.tokensPerMinute.map { TokenBucket(perMinute: $0, now: now) }
        state = Locked(initial)
    }

    /// Waits for a slot and for the buckets to allow a call of `estimatedTokens`.
    func acquire(estimatedTokens: Int) async throws -> Permit {
        try await acquireSlot()
        do {
            try await waitForBuckets(estimatedTokens: Double(estimatedTokens))
        } catch {
            releaseSlot()
            throw error
        }
        return Permit(estimatedTokens: Double(estimatedTokens))
    }

    /// Hands a slot back and tells the limiter how the call went.
    func release(_ permit: Permit, outcome: Outcome) {
        let now = clock.now
        state.withLock { state in
            switch outcome {
            case .success(let tokens):
                state.tokens?.refund(permit.estimatedTokens - Double(tokens), now: now)
                if limits.adaptive, state.ceiling < Double(limits.maxConcurrent) {
                    state.ceiling = min(Double(limits.maxConcurrent), state.ceiling + 1 / state.ceiling)
                }
            case .throttled(let retryAfter):
                state.throttledCount += 1
                if limits.adaptive, state.lastDecrease.map({ now - $0 > .seconds(1) }) ?? true {
                    state.ceiling = max(1, state.ceiling / 2)
                    state.lastDecrease = now
                }
                if let retryAfter, retryAfter > 0 {
                    let until = now + .milliseconds(Int64(retryAfter * 1000))
                    state.pausedUntil = max(state.pausedUntil ?? until, until)
                }
            case .failure:
                break
            }
        }
        releaseSlot()
    }

    var statistics: LimiterStatistics {
        state.withLock { state in
            LimiterStatistics(
                inFlight: state.inFlight, peakInFlight: state.peakInFlight, queued: state.queued,
                concurrencyCeiling: state.slots, throttled: state.throttledCount)
        }
    }

    // MARK: Slots

    private func acquireSlot() async throws {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let granted: Bool? = state.withLock { state in
                    // Checked under the lock the cancellation handler takes: see HTTPEngine.enqueue.
                    if Task.isCancelled { return nil }
                    if state.queued == 0, state.inFlight < state.slots {
                        state.inFlight += 1
                        state.peakInFlight = max(state.peakInFlight, state.inFlight)
                        return true
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                switch granted {
                case nil: continuation.resume(throwing: CancellationError())
                case true?: continuation.resume()
                case false?: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters[state.waiterHead...].firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func releaseSlot() {
        let woken: [Waiter] = state.withLock { state in
            state.inFlight -= 1
            var woken: [Waiter] = []
            while state.queued > 0, state.inFlight < state.slots {
                woken.append(state.waiters[state.waiterHead])
                state.waiterHead += 1
                state.inFlight += 1
            }
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
            if state.waiterHead > 1024, state.waiterHead * 2 > state.waiters.count {
                state.waiters.removeFirst(state.waiterHead)
                state.waiterHead = 0
            }
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    // MARK: Buckets

    private func waitForBuckets(estimatedTokens: Double) async throws {
        while true {
            let now = clock.now
            let wait: Double = state.withLock { state in
                var wait = 0.0
                if let until = state.pausedUntil, until > now {
                    let remaining = until - now
                    wait = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) * 1e-18
                }
                if let requestWait = state.requests?.wait(for: 1, now: now) { wait = max(wait, requestWait) }
                if let tokenWait = state.tokens?.wait(for: estimatedTokens, now: now) { wait = max(wait, tokenWait) }
                if wait == 0 {
                    state.requests?.charge(1, now: now)
                    state.tokens?.charge(estimatedTokens, now: now)
                }
                return wait
            }
            if wait == 0 { return }
            try await Task.sleep(for: .milliseconds(max(1, Int64((wait * 1000).rounded(.up)))))
        }
    }
}
