/// How an ensemble's votes become aspect ratings, the fine-grained score and the overall score
/// (`judges/README.md`, "Aggregation").
public struct AggregationConfiguration: Codable, Hashable, Sendable {
    public var method: AggregationMethod
    public var aspects: [String: AspectAggregation]
    /// Weights of the aspects in the fine-grained score; nil counts every rated aspect once.
    public var aspectWeights: [String: Double]?
    /// Aspects a completion must pass; failing one sets its overall score to the floor.
    public var require: [String]
    public var overall: OverallScoreSource

    public init(
        method: AggregationMethod = .weightedMean, aspects: [String: AspectAggregation] = [:],
        aspectWeights: [String: Double]? = nil, require: [String] = [], overall: OverallScoreSource = .fineGrainedMean
    ) {
        self.method = method
        self.aspects = aspects
        self.aspectWeights = aspectWeights
        self.require = require
        self.overall = overall
    }

    /// The method for `aspect`, after overrides.
    public func method(for aspect: String) -> AggregationMethod {
        aspects[aspect]?.method ?? method
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case method, aspects
        case aspectWeights = "aspect_weights"
        case require, overall
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        method = try c.decode(AggregationMethod.self, forKey: .method)
        aspects = try c.decodeIfPresent([String: AspectAggregation].self, forKey: .aspects) ?? [:]
        aspectWeights = try c.decodeIfPresent([String: Double].self, forKey: .aspectWeights)
        require = try c.decodeIfPresent([String].self, forKey: .require) ?? []
        overall = try c.decodeIfPresent(OverallScoreSource.self, forKey: .overall) ?? .fineGrainedMean
        if let aspectWeights {
            for (aspect, weight) in aspectWeights where !(weight >= 0 && weight.isFinite) {
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: c.codingPath + [CodingKeys.aspectWeights, ConfigKey(stringValue: aspect)],
                    debugDescription: "must be a finite number >= 0, not \(weight)"))
            }
            if !aspectWeights.isEmpty, !aspectWeights.values.contains(where: { $0 > 0 }) {
                throw DecodingError.dataCorruptedError(forKey: .aspectWeights, in: c, debugDescription: "at least one weight must be positive")
            }
        }
    }
}
