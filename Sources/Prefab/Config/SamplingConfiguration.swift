/// The sampling stage's config: the part of a run config that `prefab sample` reads.
///
/// ```yaml
/// seed: 42
/// prompts: datasets/quickstart/prompts.jsonl
/// output: runs/quickstart          # samples go to <output>/samples
/// endpoints:
///   - {name: local, provider: local}
/// pool: {...}                      # ModelPoolConfiguration
/// principles: {...}                # PrinciplesConfiguration (optional)
/// ```
///
/// The run config (`prefab run`) has these same keys plus the later stages'; this type accepts
/// those (`laterStageKeys`, which `RunConfiguration` reads) without reading them, so one file drives both
/// commands, and rejects any other unknown key with its line.
public struct SamplingConfiguration: Codable, Hashable, Sendable {
    public var seed: UInt64
    public var prompts: PromptInputConfiguration?
    /// The run's output directory; the sampler writes `<output>/samples`.
    public var output: String?
    public var endpoints: [EndpointConfiguration]
    public var pool: ModelPoolConfiguration
    public var principles: PrinciplesConfiguration

    public init(
        seed: UInt64 = 0, prompts: PromptInputConfiguration? = nil, output: String? = nil,
        endpoints: [EndpointConfiguration], pool: ModelPoolConfiguration,
        principles: PrinciplesConfiguration = PrinciplesConfiguration()
    ) {
        self.seed = seed
        self.prompts = prompts
        self.output = output
        self.endpoints = endpoints
        self.pool = pool
        self.principles = principles
    }

    /// Top-level keys of a run config that belong to later stages.
    public static let laterStageKeys: Set<String> = [
        "judges", "pairing", "budget", "cache", "window", "diversity", "shard_size", "hygiene", "journal", "storage",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, prompts, output, endpoints, pool, principles
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, alsoAllowed: Self.laterStageKeys)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        prompts = try c.decodeIfPresent(PromptInputConfiguration.self, forKey: .prompts)
        output = try c.decodeIfPresent(String.self, forKey: .output)
        endpoints = try c.decode([EndpointConfiguration].self, forKey: .endpoints)
        pool = try c.decode(ModelPoolConfiguration.self, forKey: .pool)
        principles = try c.decodeIfPresent(PrinciplesConfiguration.self, forKey: .principles) ?? PrinciplesConfiguration()
        try Self.checkEndpoints(endpoints, pool: pool, in: c)
    }

    /// Endpoint names are unique and valid, and every pool model names one of them.
    static func checkEndpoints(
        _ endpoints: [EndpointConfiguration], pool: ModelPoolConfiguration, in c: KeyedDecodingContainer<CodingKeys>
    ) throws {
        func fail(_ path: [any CodingKey], _ message: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: c.codingPath + path, debugDescription: message))
        }
        do {
            try EndpointSet.validate(endpoints)
        } catch {
            var at: [any CodingKey] = [CodingKeys.endpoints]
            if let index = error.index { at.append(ConfigKey(intValue: index)) }
            if case .duplicateName = error { at.append(ConfigKey(stringValue: "name")) }
            throw fail(at, error.description)
        }
        let names = endpoints.map(\.name)
        for (index, model) in pool.models.enumerated() where !names.contains(model.endpoint) {
            throw fail(
                [CodingKeys.pool, ConfigKey(stringValue: "models"), ConfigKey(intValue: index), ConfigKey(stringValue: "endpoint")],
                EndpointSetError.unknownEndpoint(name: model.endpoint, known: names).description)
        }
    }
}
