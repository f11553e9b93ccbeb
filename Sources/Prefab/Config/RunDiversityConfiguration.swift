/// The `diversity:` block of a run config: what the run report measures, and with which models.
///
/// ```yaml
/// diversity:
///   enabled: true                 # false: no diversity section at all
///   fields: [response, prompt]    # and/or chosen (the pair rows' chosen answers)
///   seed: 0                       # every random sample; 0 matches `prefab diversity`
///   sample: 1000                  # most documents per field the model-based metrics see
///   embeddings: {endpoint: local, batch_size: 32}                 # adds vendi and clusters
///   cluster_agent: {endpoint: judge, k: 10, j: 5, criteria_rounds: 3, rounds: 10, seeds: 3}
/// ```
///
/// The cheap metrics (distinct-n, self-repetition, compression ratio, homogenization) are
/// always measured, on every text; the embedding metrics and the cluster agent only when their
/// block is there, on a seeded sample of at most `sample` texts per field, because each text
/// costs a model call. Endpoint names refer to the run config's `endpoints:`; `check(endpoints:)`
/// finds the ones that do not exist before any model is called. Unknown keys are errors.
public struct RunDiversityConfiguration: Codable, Hashable, Sendable {
    public var enabled: Bool
    /// The texts measured, each as one column of the report.
    public var fields: [DiversityField]
    /// Seed of every random choice (the model sample, homogenization, clusters, the agent's
    /// rounds are seeded by the agent's own `seeds`).
    public var seed: UInt64
    /// Most texts per field that the model-based metrics see.
    public var sample: Int
    public var embeddings: RunDiversityEmbeddings?
    public var clusterAgent: RunDiversityClusterAgent?

    public init(
        enabled: Bool = true, fields: [DiversityField] = [.response, .prompt], seed: UInt64 = 0, sample: Int = 1000,
        embeddings: RunDiversityEmbeddings? = nil, clusterAgent: RunDiversityClusterAgent? = nil
    ) {
        self.enabled = enabled
        self.fields = fields
        self.seed = seed
        self.sample = sample
        self.embeddings = embeddings
        self.clusterAgent = clusterAgent
    }

    /// The metrics these settings measure: the cheap ones, plus `vendi` and `clusters` with
    /// embeddings and `cluster-agent` with a cluster agent; none when disabled.
    public var metrics: [DiversityMetric] {
        guard enabled else { return [] }
        var metrics = DiversityMetric.cheap
        if embeddings != nil { metrics += DiversityMetric.embedding }
        if clusterAgent != nil { metrics.append(.clusterAgent) }
        return metrics
    }

    /// The first endpoint reference that is not among `endpoints` (or names an endpoint that
    /// cannot do the job, such as embeddings from Anthropic), as a key path relative to the
    /// `diversity:` block and a message. A caller holding the `ConfigDocument` prefixes the
    /// block's own key and calls `error(at:_:)` for the file and line.
    public func check(endpoints: [EndpointConfiguration]) -> (path: [ConfigKey], message: String)? {
        let names = endpoints.map(\.name).sorted().joined(separator: ", ")
        let known = names.isEmpty ? "(none)" : names
        let references: [(block: CodingKeys, endpoint: String, embeds: Bool)] =
            [embeddings.map { (CodingKeys.embeddings, $0.endpoint, true) },
             clusterAgent.map { (CodingKeys.clusterAgent, $0.endpoint, false) }].compactMap { $0 }
        for reference in references {
            let path = [ConfigKey(reference.block), ConfigKey(stringValue: "endpoint")]
            guard let endpoint = endpoints.first(where: { $0.name == reference.endpoint }) else {
                return (path, "unknown endpoint '\(reference.endpoint)'; the config's endpoints are: \(known)")
            }
            if reference.embeds, endpoint.provider == .anthropic {
                return (path, "endpoint '\(endpoint.name)' is an Anthropic endpoint, which serves no embeddings; "
                    + "name an OpenAI-compatible one (llama.cpp's server with --embeddings, vLLM, OpenAI)")
            }
        }
        return nil
    }

    /// Reads the `diversity:` and `endpoints:` blocks of a run config, ignoring its other keys
    /// (so `prefab report --config` takes the same file as `prefab run`). A missing `diversity:`
    /// gives the defaults (cheap metrics on responses and prompts), a missing `endpoints:` none.
    /// Endpoint names must be unique and every endpoint the block names must exist; errors carry
    /// the file and line.
    package static func read(
        from document: ConfigDocument
    ) throws(ConfigError) -> (diversity: RunDiversityConfiguration, endpoints: [EndpointConfiguration]) {
        let endpointsKey = ConfigKey(stringValue: "endpoints")
        let diversityKey = ConfigKey(stringValue: "diversity")
        let endpoints = document.node(at: [endpointsKey]) == nil
            ? [] : try document.decode([EndpointConfiguration].self, at: [endpointsKey])
        try document.validate(endpoints: endpoints, at: [endpointsKey])
        let diversity = document.node(at: [diversityKey]) == nil
            ? RunDiversityConfiguration() : try document.decode(RunDiversityConfiguration.self, at: [diversityKey])
        if let problem = diversity.check(endpoints: endpoints) {
            throw document.error(at: [diversityKey] + problem.path, problem.message)
        }
        return (diversity, endpoints)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, fields, seed, sample, embeddings
        case clusterAgent = "cluster_agent"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        sample = try c.decodeIfPresent(Int.self, forKey: .sample) ?? 1000
        embeddings = try c.decodeIfPresent(RunDiversityEmbeddings.self, forKey: .embeddings)
        clusterAgent = try c.decodeIfPresent(RunDiversityClusterAgent.self, forKey: .clusterAgent)
        if c.contains(.fields) {
            let names = try c.decode([String].self, forKey: .fields)
            var fields: [DiversityField] = []
            for (index, name) in names.enumerated() {
                let path = c.codingPath + [CodingKeys.fields, ConfigKey(intValue: index)]
                guard let field = DiversityField(rawValue: name) else {
                    throw DecodingError.dataCorrupted(DecodingError.Context(
                        codingPath: path,
                        debugDescription: "unknown field '\(name)'; expected one of: \(DiversityField.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                guard !fields.contains(field) else {
                    throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: "'\(name)' is listed twice"))
                }
                fields.append(field)
            }
            if fields.isEmpty {
                throw DecodingError.dataCorruptedError(
                    forKey: .fields, in: c, debugDescription: "list at least one field (or set enabled: false)")
            }
            self.fields = fields
        } else {
            fields = [.response, .prompt]
        }
        if sample < 2 {
            throw DecodingError.dataCorruptedError(forKey: .sample, in: c, debugDescription: "must be at least 2 (texts per field)")
        }
    }
}
