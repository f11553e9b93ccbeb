/// One endpoint's share of a run, as the progress display shows it: which server is busy, which
/// is idle, which is failing. Counts are for this session (calls answered from the cache
/// included), so a resumed run starts them at zero.
package struct EndpointProgress: Codable, Hashable, Sendable {
    /// The endpoint's name in the run config.
    package var name: String
    /// Requests sent and not yet answered.
    package var inFlight: Int
    /// Requests completed (answered or failed after retries).
    package var requests: Int
    /// Prompt plus completion tokens.
    package var tokens: Int
    /// Requests that failed after retries.
    package var failures: Int

    package init(name: String, inFlight: Int = 0, requests: Int = 0, tokens: Int = 0, failures: Int = 0) {
        self.name = name
        self.inFlight = inFlight
        self.requests = requests
        self.tokens = tokens
        self.failures = failures
    }

    enum CodingKeys: String, CodingKey {
        case name, requests, tokens, failures
        case inFlight = "in_flight"
    }
}
