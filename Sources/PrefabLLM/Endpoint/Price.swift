/// What a model charges, in a currency of the user's choosing (usually USD), per million tokens.
public struct Price: Codable, Sendable, Hashable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double
    /// The batch APIs' prices; nil: half the synchronous price, as OpenAI and Anthropic charge.
    public var batchInputPerMillion: Double?
    public var batchOutputPerMillion: Double?

    public init(inputPerMillion: Double, outputPerMillion: Double, batchInputPerMillion: Double? = nil, batchOutputPerMillion: Double? = nil) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.batchInputPerMillion = batchInputPerMillion
        self.batchOutputPerMillion = batchOutputPerMillion
    }

    /// What calls sent through a batch cost.
    public var batch: Price {
        Price(inputPerMillion: batchInputPerMillion ?? inputPerMillion / 2, outputPerMillion: batchOutputPerMillion ?? outputPerMillion / 2)
    }

    /// The cost of a call that used `usage`.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * inputPerMillion + Double(usage.completionTokens) * outputPerMillion) / 1_000_000
    }

    enum CodingKeys: String, CodingKey {
        case inputPerMillion = "input_per_million"
        case outputPerMillion = "output_per_million"
        case batchInputPerMillion = "batch_input_per_million"
        case batchOutputPerMillion = "batch_output_per_million"
    }
}
