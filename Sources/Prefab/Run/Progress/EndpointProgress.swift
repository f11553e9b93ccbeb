/// One endpoint's share of a run, as the progress display shows it: which server is busy, which
/// is idle, which is failing. Counts are for this session (calls answered from the cache
/// included), so a resumed run starts them at zero.
package struct EndpointProgress: Codable, Hashable, Sendable {
    /// The endpoint's name in the run config.
    package var name: String
    /// Requests sent and not yet answered.
    package var inFlight: Int = 0
    /// Requests completed (answered or failed after retries).
    package var requests: Int = 0
    /// Prompt plus completion tokens.
    package var tokens: Int = 0
    /// Requests that failed after retries.
    package var failures: Int = 0

    enum CodingKeys: String, CodingKey {
        case name, requests, tokens, failures
        case inFlight = "in_flight"
    }
}
