import PrefabShards

/// Something that scores a prompt and response: a reward-model endpoint, or a test double.
public protocol RewardModelClient: Sendable {
    /// POSTs `body` and returns the JSON answer.
    func post(_ body: JSONValue) async throws -> RewardModelResponse
}

/// A reward-model endpoint's answer.
public struct RewardModelResponse: Codable, Sendable, Hashable {
    public var json: JSONValue
    /// The body as received (kept on the vote for audits; cut to a few kilobytes).
    public var raw: String
    public var cached: Bool

    public init(json: JSONValue, raw: String, cached: Bool = false) {
        self.json = json
        self.raw = raw
        self.cached = cached
    }
}
