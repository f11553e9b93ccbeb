/// At most `limit` holders at once, the rest waiting in arrival order: a pool model's
/// `limits.max_concurrent`, on top of whatever its endpoint allows.
actor ConcurrencyGate {
    private let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` holding one of the gate's slots.
    nonisolated func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await body()
        await release()
        return result
    }

    private func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            // The slot passes straight to the next waiter; `inUse` stays the same.
            waiting.removeFirst().resume()
        }
    }
}
