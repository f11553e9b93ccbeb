/// What one endpoint and model consumed.
public struct UsageRecord: Sendable, Hashable, Codable {
    public var endpoint: String
    public var model: String
    /// Calls started (each of an Anthropic n > 1 call's n requests counts).
    public var requests: Int = 0
    /// Calls that failed after their retries, or at once.
    public var failures: Int = 0
    /// Extra attempts made after transient failures.
    public var retries: Int = 0
    public var promptTokens: Int = 0
    public var completionTokens: Int = 0
    /// From the endpoint's price table; 0 without one.
    public var cost: Double = 0

    public init(endpoint: String, model: String) {
        self.endpoint = endpoint
        self.model = model
    }

    public var totalTokens: Int { promptTokens + completionTokens }

    enum CodingKeys: String, CodingKey {
        case endpoint, model, requests, failures, retries
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case cost
    }
}
