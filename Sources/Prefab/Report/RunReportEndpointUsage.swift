import PrefabLLM

/// What one endpoint and model cost over a run, and how fast it went: the pipeline passes its
/// `UsageLedger` records here (the shards alone do not say what was paid or how long the run
/// took). `cost` and `seconds` are nil when unknown, and the report says "not recorded".
package struct RunReportEndpointUsage: Codable, Hashable, Sendable {
    package var endpoint: String
    package var model: String
    package var requests: Int
    package var failures: Int
    package var retries: Int
    package var promptTokens: Int
    package var completionTokens: Int
    /// In the price table's currency; nil when the endpoint has no price table.
    package var cost: Double?
    /// Wall-clock seconds the endpoint was in use (the run's duration will do).
    package var seconds: Double?

    package init(
        endpoint: String, model: String, requests: Int, failures: Int = 0, retries: Int = 0, promptTokens: Int,
        completionTokens: Int, cost: Double? = nil, seconds: Double? = nil
    ) {
        self.endpoint = endpoint
        self.model = model
        self.requests = requests
        self.failures = failures
        self.retries = retries
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.seconds = seconds
    }

    /// From a ledger record. `priced` says whether the endpoint had a price table (the ledger
    /// records 0 without one, which must not read as "free").
    package init(_ record: UsageRecord, priced: Bool, seconds: Double?) {
        self.init(
            endpoint: record.endpoint, model: record.model, requests: record.requests, failures: record.failures,
            retries: record.retries, promptTokens: record.promptTokens, completionTokens: record.completionTokens,
            cost: priced ? record.cost : nil, seconds: seconds)
    }

    package var totalTokens: Int { promptTokens + completionTokens }

    package var requestsPerSecond: Double? {
        guard let seconds, seconds > 0 else { return nil }
        return Double(requests) / seconds
    }

    package var tokensPerSecond: Double? {
        guard let seconds, seconds > 0 else { return nil }
        return Double(totalTokens) / seconds
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, model, requests, failures, retries, cost, seconds
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }
}
