/// A ceiling on a run's spending. When any set limit is reached, new calls fail with
/// `EndpointError.budgetExhausted`; calls already in flight finish and are accounted.
public struct Budget: Codable, Sendable, Hashable {
    /// Calls started (cache hits are free and not counted).
    public var maxRequests: Int?
    /// Prompt plus completion tokens.
    public var maxTokens: Int?
    /// In the price table's currency.
    public var maxCost: Double?

    public init(maxRequests: Int? = nil, maxTokens: Int? = nil, maxCost: Double? = nil) {
        self.maxRequests = maxRequests
        self.maxTokens = maxTokens
        self.maxCost = maxCost
    }

    enum CodingKeys: String, CodingKey {
        case maxRequests = "max_requests"
        case maxTokens = "max_tokens"
        case maxCost = "max_cost"
    }
}
