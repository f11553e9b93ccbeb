/// How hard Prefab may drive one endpoint.
public struct EndpointLimits: Codable, Sendable, Hashable {
    /// Requests in flight at once. After a 429 the client lowers its own ceiling below this and
    /// creeps back up as calls succeed (additive increase, multiplicative decrease).
    public var maxConcurrent: Int
    /// Request starts per minute (a token bucket that refills continuously); nil for no limit.
    public var requestsPerMinute: Double?
    /// Prompt plus completion tokens per minute; nil for no limit. A request is charged its
    /// estimate (prompt characters / 4 + `max_tokens`) when it starts, corrected by its usage.
    public var tokensPerMinute: Double?
    /// Whether 429 responses lower the concurrency ceiling.
    public var adaptive: Bool

    public init(maxConcurrent: Int = 64, requestsPerMinute: Double? = nil, tokensPerMinute: Double? = nil, adaptive: Bool = true) {
        self.maxConcurrent = maxConcurrent
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.adaptive = adaptive
    }

    enum CodingKeys: String, CodingKey {
        case maxConcurrent = "max_concurrent"
        case requestsPerMinute = "requests_per_minute"
        case tokensPerMinute = "tokens_per_minute"
        case adaptive
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = EndpointLimits()
        maxConcurrent = try container.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? defaults.maxConcurrent
        requestsPerMinute = try container.decodeIfPresent(Double.self, forKey: .requestsPerMinute)
        tokensPerMinute = try container.decodeIfPresent(Double.self, forKey: .tokensPerMinute)
        adaptive = try container.decodeIfPresent(Bool.self, forKey: .adaptive) ?? defaults.adaptive
    }
}
