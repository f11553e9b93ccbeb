/// `kind: format`: when the prompt's `metadata.format` asks for JSON or code, checks the
/// response is valid JSON or has a fenced code block.
public struct FormatScorerConfiguration: Codable, Hashable, Sendable {
    public enum Check: String, Codable, Hashable, Sendable, CaseIterable {
        case json
        case codeBlock = "code_block"
    }

    public var aspect: String
    public var checks: [Check]
    public var ratings: ScorerRatings

    public init(aspect: String = "format", checks: [Check] = Check.allCases, ratings: ScorerRatings = ScorerRatings()) {
        self.aspect = aspect
        self.checks = checks
        self.ratings = ratings
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case aspect, checks
        case passRating = "pass_rating"
        case failRating = "fail_rating"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, alsoAllowed: JudgeConfiguration.commonKeys)
        aspect = try c.decodeIfPresent(String.self, forKey: .aspect) ?? "format"
        checks = try c.decodeIfPresent([Check].self, forKey: .checks) ?? Check.allCases
        ratings = try ScorerRatings.decode(from: c, pass: .passRating, fail: .failRating)
        if checks.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .checks, in: c, debugDescription: "list at least one of json, code_block")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(aspect, forKey: .aspect)
        try c.encode(checks, forKey: .checks)
        try ratings.encode(to: &c, pass: .passRating, fail: .failRating)
    }
}
