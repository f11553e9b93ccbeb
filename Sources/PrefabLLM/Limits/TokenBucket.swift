/// A bucket that refills continuously at `perMinute / 60` units per second up to `capacity`
/// (ten seconds' worth), for requests per minute and tokens per minute.
///
/// A charge may drive the level below zero (a request larger than the bucket still gets through,
/// when the bucket is full); later charges then wait for the debt to be repaid.
struct TokenBucket: Sendable {
    let perSecond: Double
    let capacity: Double
    private(set) var level: Double
    private var updated: ContinuousClock.Instant

    init(perMinute: Double, now: ContinuousClock.Instant) {
        perSecond = perMinute / 60
        capacity = max(1, perMinute / 6)
        level = capacity
        updated = now
    }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds > 0 {
            level = min(capacity, level + seconds * perSecond)
            updated = now
        }
    }

    /// Seconds until `cost` may be charged; 0 when it may be charged now.
    mutating func wait(for cost: Double, now: ContinuousClock.Instant) -> Double {
        refill(now)
        let needed = min(cost, capacity)
        return level >= needed ? 0 : (needed - level) / perSecond
    }

    mutating func charge(_ cost: Double, now: ContinuousClock.Instant) {
        refill(now)
        level -= cost
    }

    /// Gives back (or, when negative, takes) the difference between an estimate and the truth.
    mutating func refund(_ amount: Double, now: ContinuousClock.Instant) {
        refill(now)
        level = min(capacity, level + amount)
    }
}
