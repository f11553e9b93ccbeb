/// A per-aspect override of the ensemble's aggregation method.
public struct AspectAggregation: Codable, Hashable, Sendable {
    public var method: AggregationMethod?
    /// For `all_pass` and `require`: a vote (or the aggregate) below this fails.
    public var passThreshold: Double?

    public init(method: AggregationMethod? = nil, passThreshold: Double? = nil) {
        self.method = method
        self.passThreshold = passThreshold
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case method
        case passThreshold = "pass_threshold"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(AggregationMethod.self, forKey: .method)
        passThreshold = try c.decodeIfPresent(Double.self, forKey: .passThreshold)
    }
}
