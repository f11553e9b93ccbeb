/// `kind: length`: measures a response in characters or tokens; with `min`/`max` it also passes
/// or fails it. Without bounds it only measures (the length-bias figures use it).
public struct LengthScorerConfiguration: Codable, Hashable, Sendable {
    public enum Unit: String, Codable, Hashable, Sendable, CaseIterable {
        case characters
        /// The completion's `usage.completion_tokens`, else an estimate (words and punctuation).
        case tokens
    }

    public var aspect: String = "length"
    public var unit: Unit = .characters
    public var min: Int?
    public var max: Int?
    public var ratings: ScorerRatings = ScorerRatings()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case aspect, unit, min, max
        case passRating = "pass_rating"
        case failRating = "fail_rating"
    }
}

/// Decoding sits in an extension so the struct keeps its synthesized memberwise initializer.
extension LengthScorerConfiguration {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, alsoAllowed: JudgeConfiguration.commonKeys)
        aspect = try c.decodeIfPresent(String.self, forKey: .aspect) ?? "length"
        unit = try c.decodeIfPresent(Unit.self, forKey: .unit) ?? .characters
        min = try c.decodeIfPresent(Int.self, forKey: .min)
        max = try c.decodeIfPresent(Int.self, forKey: .max)
        ratings = try ScorerRatings.decode(from: c, pass: .passRating, fail: .failRating)
        if let min, let max, min > max {
            throw DecodingError.dataCorruptedError(forKey: .max, in: c, debugDescription: "max (\(max)) is below min (\(min))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(aspect, forKey: .aspect)
        try c.encode(unit, forKey: .unit)
        try c.encodeIfPresent(min, forKey: .min)
        try c.encodeIfPresent(max, forKey: .max)
        try ratings.encode(to: &c, pass: .passRating, fail: .failRating)
    }
}
