/// A judge ensemble file (`judges/*.yaml`, format in `judges/README.md`): who rates the
/// completions and how their votes become scores.
public struct EnsembleConfiguration: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    public var judges: [JudgeConfiguration]
    public var aggregation: AggregationConfiguration

    public init(name: String, description: String = "", judges: [JudgeConfiguration], aggregation: AggregationConfiguration) {
        self.name = name
        self.description = description
        self.judges = judges
        self.aggregation = aggregation
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, name, description, judges, aggregation
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        try c.decodeSchemaVersion(forKey: .schema)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        judges = try c.decodeDistinctList(forKey: .judges, of: "judge", identifiedBy: "name") { (judge: JudgeConfiguration) in judge.name }
        aggregation = try c.decode(AggregationConfiguration.self, forKey: .aggregation)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(1, forKey: .schema)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(judges, forKey: .judges)
        try c.encode(aggregation, forKey: .aggregation)
    }
}
