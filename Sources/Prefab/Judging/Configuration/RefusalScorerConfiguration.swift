/// `kind: refusal`: detects a refusal; the prompt's `metadata.should_refuse` says whether
/// refusing passes (true) or fails (false or absent).
public struct RefusalScorerConfiguration: Codable, Hashable, Sendable {
    public var aspect: String
    /// Extra regular expressions, added to the built-in refusal phrases.
    public var patterns: [String]
    public var ratings: ScorerRatings

    public init(aspect: String = "refusal", patterns: [String] = [], ratings: ScorerRatings = ScorerRatings()) {
        self.aspect = aspect
        self.patterns = patterns
        self.ratings = ratings
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case aspect, patterns
        case passRating = "pass_rating"
        case failRating = "fail_rating"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, alsoAllowed: JudgeConfiguration.commonKeys)
        aspect = try c.decodeIfPresent(String.self, forKey: .aspect) ?? "refusal"
        patterns = try c.decodeIfPresent([String].self, forKey: .patterns) ?? []
        ratings = try ScorerRatings.decode(from: c, pass: .passRating, fail: .failRating)
        try c.checkRegularExpressions(patterns, forKey: .patterns)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(aspect, forKey: .aspect)
        try c.encode(patterns, forKey: .patterns)
        try ratings.encode(to: &c, pass: .passRating, fail: .failRating)
    }
}
