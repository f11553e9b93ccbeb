/// One generated answer.
public struct ChatChoice: Codable, Sendable, Hashable {
    public var index: Int
    public var text: String
    /// Nil only when the server did not say.
    public var finishReason: FinishReason?
    /// Per-token log-probabilities when the request asked for them.
    public var logprobs: [TokenLogprob]?

    public init(index: Int, text: String, finishReason: FinishReason?, logprobs: [TokenLogprob]? = nil) {
        self.index = index
        self.text = text
        self.finishReason = finishReason
        self.logprobs = logprobs
    }

    enum CodingKeys: String, CodingKey {
        case index, text
        case finishReason = "finish_reason"
        case logprobs
    }
}
