/// A snapshot of an endpoint's pacing.
public struct LimiterStatistics: Sendable, Hashable {
    /// Calls holding a slot now.
    public var inFlight: Int
    /// The most calls that ever held slots at once.
    public var peakInFlight: Int
    /// Calls waiting for a slot.
    public var queued: Int
    /// The current adaptive ceiling on calls in flight (≤ `max_concurrent`).
    public var concurrencyCeiling: Int
    /// 429 responses seen.
    public var throttled: Int
}
