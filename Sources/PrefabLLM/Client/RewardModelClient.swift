import Foundation
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
    /// Seconds the call took (a cached answer keeps its original latency).
    public var latency: Double

    public init(json: JSONValue, raw: String, cached: Bool = false, latency: Double = 0) {
        self.json = json
        self.raw = raw
        self.cached = cached
        self.latency = latency
    }

    enum CodingKeys: String, CodingKey {
        case json, raw, cached, latency
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        json = try c.decode(JSONValue.self, forKey: .json)
        raw = try c.decode(String.self, forKey: .raw)
        cached = try c.decodeIfPresent(Bool.self, forKey: .cached) ?? false
        latency = try c.decodeIfPresent(Double.self, forKey: .latency) ?? 0
    }
}

/// Reward models report no tokens: their calls count as requests against the budget.
extension RewardModelResponse: UsageCarrying, CacheableResponse {
    var tokenUsage: TokenUsage { TokenUsage() }
    var usage: TokenUsage { TokenUsage() }
    var model: String { "" }
}

/// A reward model served at `path` under an endpoint: the endpoint's own client does the call,
/// so a reward model gets what every other call gets (the budget ledger, the endpoint's limits,
/// retries with Retry-After, scrubbed errors), and answers come from the response cache when it
/// has them. Two scorers on one endpoint with different paths are two of these.
public struct EndpointRewardModel: RewardModelClient {
    public let client: EndpointClient
    /// Appended to the endpoint's base URL (`/classify`); "" posts to the base URL itself.
    public let path: String
    public let cache: ResponseCache?

    public init(client: EndpointClient, path: String, cache: ResponseCache? = nil) {
        self.client = client
        self.path = path
        self.cache = cache
    }

    public func post(_ body: JSONValue) async throws -> RewardModelResponse {
        guard let cache else { return try await client.score(body, path: path) }
        let key = CacheKey.rewardModel(body, path: path, identity: client.identity)
        return try await cache.answer(key, kind: "reward_model") { try await client.score(body, path: path) }
    }
}
