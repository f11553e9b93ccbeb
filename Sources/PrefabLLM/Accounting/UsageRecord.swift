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

    /// Adds `other`'s counts, tokens and cost to these (whatever its endpoint and model).
    public mutating func add(_ other: UsageRecord) {
        requests += other.requests
        failures += other.failures
        retries += other.retries
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        cost += other.cost
    }

    /// Everything in `records` together, as one record for `endpoint` and `model`.
    public static func sum(_ records: some Sequence<UsageRecord>, endpoint: String = "*", model: String = "*") -> UsageRecord {
        records.reduce(into: UsageRecord(endpoint: endpoint, model: model)) { $0.add($1) }
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, model, requests, failures, retries
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case cost
    }
}
