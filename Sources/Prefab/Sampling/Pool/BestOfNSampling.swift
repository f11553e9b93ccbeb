/// Best-of-n sampling: n answers from one model for every prompt (for rejection sampling and
/// best-of-n SFT rows), each a separate request with its own sample index and seed.
///
/// ```yaml
/// best_of_n: {model: smollm-warm, n: 8}
/// ```
public struct BestOfNSampling: Codable, Hashable, Sendable {
    public var model: String
    public var n: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, n
    }
}

/// Decoding sits in an extension so the struct keeps its synthesized memberwise initializer.
extension BestOfNSampling {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        n = try c.decode(Int.self, forKey: .n)
        if n < 1 {
            throw DecodingError.dataCorruptedError(forKey: .n, in: c, debugDescription: "n must be at least 1")
        }
    }
}
