/// The log-probability of one generated token, with the most likely alternatives when asked for.
public struct TokenLogprob: Codable, Sendable, Hashable {
    public struct Alternative: Codable, Sendable, Hashable {
        public var token: String
        public var logprob: Double

    }

    public var token: String
    public var logprob: Double
    public var topLogprobs: [Alternative] = []

    enum CodingKeys: String, CodingKey {
        case token, logprob
        case topLogprobs = "top_logprobs"
    }
}
