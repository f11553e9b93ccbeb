/// When and how long to wait before trying a failed call again.
///
/// Transient failures (connection failures, timeouts, truncated or malformed bodies, HTTP 408,
/// 409, 429 and 5xx) are retried with exponential backoff and full jitter: attempt k waits a
/// uniformly random time in [0, min(maxDelay, initialDelay · 2^(k-1))]. A `Retry-After` header
/// (seconds or an HTTP date) sets the wait instead, capped at `maxRetryAfter`.
public struct RetryPolicy: Codable, Sendable, Hashable {
    /// Attempts in all, the first included. 1 means no retries.
    public var maxAttempts: Int
    /// Seconds: the backoff ceiling for the first retry.
    public var initialDelay: Double
    /// Seconds: the backoff ceiling never grows past this.
    public var maxDelay: Double
    /// Seconds: the longest `Retry-After` honoured; longer ones wait this long.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 6, initialDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 120) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed.
    func delay(afterAttempt attempt: Int, retryAfter: Double?, random: Double = Double.random(in: 0...1)) -> Double {
        if let retryAfter {
            return min(max(0, retryAfter), maxRetryAfter)
        }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, initialDelay * Double(1 << exponent))
        return ceiling * random
    }

    enum CodingKeys: String, CodingKey {
        case maxAttempts = "max_attempts"
        case initialDelay = "initial_delay"
        case maxDelay = "max_delay"
        case maxRetryAfter = "max_retry_after"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RetryPolicy()
        maxAttempts = try container.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? defaults.maxAttempts
        initialDelay = try container.decodeIfPresent(Double.self, forKey: .initialDelay) ?? defaults.initialDelay
        maxDelay = try container.decodeIfPresent(Double.self, forKey: .maxDelay) ?? defaults.maxDelay
        maxRetryAfter = try container.decodeIfPresent(Double.self, forKey: .maxRetryAfter) ?? defaults.maxRetryAfter
    }
}
