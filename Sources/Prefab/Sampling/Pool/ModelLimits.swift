/// Limits on one pool model, on top of its endpoint's own (`limits:` of the endpoint).
public struct ModelLimits: Codable, Hashable, Sendable {
    /// Requests of this model in flight at once; nil leaves it to the endpoint's limit.
    public var maxConcurrent: Int?

    public init(maxConcurrent: Int? = nil) {
        self.maxConcurrent = maxConcurrent
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxConcurrent = "max_concurrent"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        maxConcurrent = try c.decodeIfPresent(Int.self, forKey: .maxConcurrent)
        if let maxConcurrent, maxConcurrent < 1 {
            throw DecodingError.dataCorruptedError(
                forKey: .maxConcurrent, in: c, debugDescription: "must be at least 1")
        }
    }
}
