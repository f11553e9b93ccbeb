/// The `cluster_agent:` entry of a run config's `diversity:` block: the LLM cluster-agent
/// metric and its chat model.
///
/// ```yaml
/// cluster_agent: {endpoint: judge, k: 10, j: 5, criteria_rounds: 3, rounds: 10, seeds: 3}
/// ```
///
/// `k`, `j`, `criteria_rounds` (M) and `rounds` (N) are the paper's K, J, M and N (see
/// `ClusterAgentConfiguration`); the defaults are `prefab diversity`'s, so the two give the same
/// score on the same texts. `seeds` is a count (`3`: seeds 0, 1, 2) or a list of seeds. The
/// endpoint must honour JSON-schema response formats (llama.cpp, vLLM, SGLang, OpenAI).
public struct RunDiversityClusterAgent: Codable, Hashable, Sendable {
    public var endpoint: String
    /// Overrides the endpoint's model id.
    public var model: String?
    /// K: texts per clustering round. Scores compare only at the same K.
    public var k: Int
    /// J: texts per criteria round.
    public var j: Int
    /// M.
    public var criteriaRounds: Int
    /// N: clustering rounds per seed.
    public var rounds: Int
    public var seeds: [UInt64]
    /// Token limit of each answer.
    public var maxTokens: Int
    /// Calls in flight at once.
    public var concurrency: Int
    /// Extra attempts for an unusable answer before its round is discarded.
    public var maxRetries: Int

    public init(
        endpoint: String, model: String? = nil, k: Int = 10, j: Int = 5, criteriaRounds: Int = 3, rounds: Int = 10,
        seeds: [UInt64] = [0, 1, 2], maxTokens: Int = 2048, concurrency: Int = 8, maxRetries: Int = 2
    ) {
        self.endpoint = endpoint
        self.model = model
        self.k = k
        self.j = j
        self.criteriaRounds = criteriaRounds
        self.rounds = rounds
        self.seeds = seeds
        self.maxTokens = maxTokens
        self.concurrency = concurrency
        self.maxRetries = maxRetries
    }

    /// The agent's own settings (K, J, M, N, seeds...).
    public var agentConfiguration: ClusterAgentConfiguration {
        var configuration = ClusterAgentConfiguration()
        configuration.samplesPerRound = k
        configuration.criteriaSamplesPerRound = j
        configuration.criteriaRounds = criteriaRounds
        configuration.clusteringRounds = rounds
        configuration.seeds = seeds
        configuration.concurrency = concurrency
        configuration.maximumRetries = maxRetries
        return configuration
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, model, k, j, rounds, seeds, concurrency
        case criteriaRounds = "criteria_rounds"
        case maxTokens = "max_tokens"
        case maxRetries = "max_retries"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        k = try c.decodeIfPresent(Int.self, forKey: .k) ?? 10
        j = try c.decodeIfPresent(Int.self, forKey: .j) ?? 5
        criteriaRounds = try c.decodeIfPresent(Int.self, forKey: .criteriaRounds) ?? 3
        rounds = try c.decodeIfPresent(Int.self, forKey: .rounds) ?? 10
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? 2048
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency) ?? 8
        maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? 2
        func fail(_ key: CodingKeys, _ message: String) -> DecodingError {
            .dataCorruptedError(forKey: key, in: c, debugDescription: message)
        }
        if !c.contains(.seeds) {
            seeds = [0, 1, 2]
        } else if let count = try? c.decode(Int.self, forKey: .seeds) {
            guard count >= 1 else { throw fail(.seeds, "give a number of seeds of at least 1, or a list of seeds") }
            seeds = (0..<UInt64(count)).map { $0 }
        } else if let list = try? c.decode([UInt64].self, forKey: .seeds) {
            guard !list.isEmpty else { throw fail(.seeds, "list at least one seed") }
            guard Set(list).count == list.count else { throw fail(.seeds, "a seed is listed twice") }
            seeds = list
        } else {
            throw fail(.seeds, "expected a number of seeds (3 means seeds 0, 1, 2) or a list of non-negative integers")
        }
        if k < 2 { throw fail(.k, "K (texts per clustering round) must be at least 2") }
        if j < 1 { throw fail(.j, "J (texts per criteria round) must be at least 1") }
        if criteriaRounds < 1 { throw fail(.criteriaRounds, "must be at least 1") }
        if rounds < 1 { throw fail(.rounds, "must be at least 1") }
        if maxTokens < 1 { throw fail(.maxTokens, "must be at least 1") }
        if concurrency < 1 { throw fail(.concurrency, "must be at least 1") }
        if maxRetries < 0 { throw fail(.maxRetries, "must not be negative") }
    }
}
