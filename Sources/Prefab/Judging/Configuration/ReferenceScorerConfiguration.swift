/// `kind: reference`: compares a response with the prompt's reference answer (numeric, exact or
/// regex match). Prompts without a reference get no vote (counted as skipped).
public struct ReferenceScorerConfiguration: Codable, Hashable, Sendable {
    public enum Match: String, Codable, Hashable, Sendable, CaseIterable {
        case numeric, exact, regex
        /// Numeric when the reference parses as a number, else exact.
        case auto
    }

    public enum Extract: String, Codable, Hashable, Sendable, CaseIterable {
        /// The last number in the response.
        case lastNumber = "last_number"
        /// The text after the last "Answer:" / "Final answer:" label.
        case answerLine = "answer_line"
        /// The contents of the last `\boxed{…}`.
        case boxed
        /// The whole response, trimmed.
        case whole
    }

    public var aspect: String = "correctness"
    public var match: Match = .auto
    public var extract: Extract = .lastNumber
    /// Lines matching any of these are dropped before extracting (e.g. a `Confidence: 80%` line).
    public var ignoreLines: [String] = []
    public var tolerance: Double = 1e-6
    public var relativeTolerance: Double = 0
    public var caseSensitive: Bool = false
    public var ratings: ScorerRatings = ScorerRatings()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case aspect, match, extract
        case ignoreLines = "ignore_lines"
        case tolerance
        case relativeTolerance = "relative_tolerance"
        case caseSensitive = "case_sensitive"
        case passRating = "pass_rating"
        case failRating = "fail_rating"
    }
}

/// Decoding sits in an extension so the struct keeps its synthesized memberwise initializer.
extension ReferenceScorerConfiguration {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, alsoAllowed: JudgeConfiguration.commonKeys)
        aspect = try c.decodeIfPresent(String.self, forKey: .aspect) ?? "correctness"
        match = try c.decodeIfPresent(Match.self, forKey: .match) ?? .auto
        extract = try c.decodeIfPresent(Extract.self, forKey: .extract) ?? .lastNumber
        ignoreLines = try c.decodeIfPresent([String].self, forKey: .ignoreLines) ?? []
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance) ?? 1e-6
        relativeTolerance = try c.decodeIfPresent(Double.self, forKey: .relativeTolerance) ?? 0
        caseSensitive = try c.decodeIfPresent(Bool.self, forKey: .caseSensitive) ?? false
        ratings = try ScorerRatings.decode(from: c, pass: .passRating, fail: .failRating)
        if !(tolerance >= 0) { throw DecodingError.dataCorruptedError(forKey: .tolerance, in: c, debugDescription: "must not be negative") }
        if !(relativeTolerance >= 0) {
            throw DecodingError.dataCorruptedError(forKey: .relativeTolerance, in: c, debugDescription: "must not be negative")
        }
        try c.checkRegularExpressions(ignoreLines, forKey: .ignoreLines)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(aspect, forKey: .aspect)
        try c.encode(match, forKey: .match)
        try c.encode(extract, forKey: .extract)
        try c.encode(ignoreLines, forKey: .ignoreLines)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encode(relativeTolerance, forKey: .relativeTolerance)
        try c.encode(caseSensitive, forKey: .caseSensitive)
        try ratings.encode(to: &c, pass: .passRating, fail: .failRating)
    }
}
