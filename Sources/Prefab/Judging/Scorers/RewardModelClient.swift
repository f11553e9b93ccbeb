/// Something that scores a prompt and response: a reward-model endpoint, or a test double.
public protocol RewardModelClient: Sendable {
    /// POSTs `body` and returns the JSON answer.
    func post(_ body: PrefabLLM.JSONValue) async throws -> RewardModelResponse
}

/// A reward-model endpoint's answer.
public struct RewardModelResponse: Codable, Sendable, Hashable {
    public var json: PrefabLLM.JSONValue
    /// The body as received (kept on the vote for audits; cut to a few kilobytes).
    public var raw: String
    public var cached: Bool

    public init(json: PrefabLLM.JSONValue, raw: String, cached: Bool = false) {
        self.json = json
        self.raw = raw
        self.cached = cached
    }
}
