/// One judge's verdict on one completion for one aspect: kept whole, so an ensemble can be
/// re-aggregated, audited and compared without asking the judges again.
///
/// A pairwise verdict is stored on both completions it compares: each copy carries the other
/// completion's index (`opponent`), where this completion was shown (`position`: 0 for A, 1
/// for B), the verdict as the judge wrote it, and `rating` as this completion's outcome (1 won,
/// 0.5 tie, 0 lost).
public struct JudgeVote: Codable, Hashable, Sendable {
    /// Whether the judge's answer could be read.
    public enum ParseStatus: String, Codable, Hashable, Sendable {
        case ok
        /// Read, but only after asking again.
        case retried
        /// Never read: `rating` is nil and `raw` holds what came back.
        case failed
        /// A scorer's check did not apply (no reference, no format asked for): no rating, not a failure.
        case skipped
    }

    public var judge: String
    public var aspect: String
    public var rating: Double?
    public var rationale: String?
    /// Where the completion stood in what the judge was shown (0-based), or nil for single mode.
    public var position: Int?
    /// The judge's raw output, for audits and re-parsing.
    public var raw: String
    public var parse: ParseStatus
    public var attempts: Int
    /// True when the judge answered "N/A" (the aspect does not apply); `rating` is then nil.
    public var notApplicable: Bool
    /// Type codes for typed aspects (UltraFeedback's `Type`).
    public var types: [String]?
    /// Pairwise: the verdict as written ("A", "B", "TIE") and the other completion's index.
    public var verdict: String?
    public var opponent: Int?
    /// Which of a judge's samples (`samples: n`) this vote came from.
    public var sample: Int?
    /// Which of a `multi` judge's orders (`shuffles: n`) this vote came from; nil with one order.
    /// The judge's rating is the mean over its orders, so a stored record re-aggregates alike.
    public var shuffle: Int?
    /// Where a `multi` call split for the model's context began: the whole order's position of
    /// this part's first answer. `position` is within the part (what the model saw), so position
    /// figures compare votes of one part only. Nil when the call was not split.
    public var part: Int?
    /// Why the answer could not be read (or what a scorer measured), in words.
    public var detail: String?

    public init(
        judge: String, aspect: String, rating: Double?, rationale: String? = nil, position: Int? = nil,
        raw: String, parse: ParseStatus, attempts: Int = 1, notApplicable: Bool = false, types: [String]? = nil,
        verdict: String? = nil, opponent: Int? = nil, sample: Int? = nil, shuffle: Int? = nil, part: Int? = nil, detail: String? = nil
    ) {
        self.judge = judge
        self.aspect = aspect
        self.rating = rating
        self.rationale = rationale
        self.position = position
        self.raw = raw
        self.parse = parse
        self.attempts = attempts
        self.notApplicable = notApplicable
        self.types = types
        self.verdict = verdict
        self.opponent = opponent
        self.sample = sample
        self.shuffle = shuffle
        self.part = part
        self.detail = detail
    }

    /// Whether the vote carries a reading (a rating or N/A).
    public var isRead: Bool { parse == .ok || parse == .retried }

    enum CodingKeys: String, CodingKey {
        case judge, aspect, rating, rationale, position, raw, parse, attempts, types, verdict, opponent, sample, shuffle, part, detail
        case notApplicable = "not_applicable"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        judge = try c.decode(String.self, forKey: .judge)
        aspect = try c.decode(String.self, forKey: .aspect)
        rating = try c.decodeIfPresent(Double.self, forKey: .rating)
        rationale = try c.decodeIfPresent(String.self, forKey: .rationale)
        position = try c.decodeIfPresent(Int.self, forKey: .position)
        raw = try c.decodeIfPresent(String.self, forKey: .raw) ?? ""
        parse = try c.decode(ParseStatus.self, forKey: .parse)
        attempts = try c.decodeIfPresent(Int.self, forKey: .attempts) ?? 1
        notApplicable = try c.decodeIfPresent(Bool.self, forKey: .notApplicable) ?? false
        types = try c.decodeIfPresent([String].self, forKey: .types)
        verdict = try c.decodeIfPresent(String.self, forKey: .verdict)
        opponent = try c.decodeIfPresent(Int.self, forKey: .opponent)
        sample = try c.decodeIfPresent(Int.self, forKey: .sample)
        shuffle = try c.decodeIfPresent(Int.self, forKey: .shuffle)
        part = try c.decodeIfPresent(Int.self, forKey: .part)
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(judge, forKey: .judge)
        try c.encode(aspect, forKey: .aspect)
        try c.encode(rating, forKey: .rating)
        try c.encodeIfPresent(rationale, forKey: .rationale)
        try c.encode(position, forKey: .position)
        try c.encode(raw, forKey: .raw)
        try c.encode(parse, forKey: .parse)
        try c.encode(attempts, forKey: .attempts)
        if notApplicable { try c.encode(true, forKey: .notApplicable) }
        try c.encodeIfPresent(types, forKey: .types)
        try c.encodeIfPresent(verdict, forKey: .verdict)
        try c.encodeIfPresent(opponent, forKey: .opponent)
        try c.encodeIfPresent(sample, forKey: .sample)
        try c.encodeIfPresent(shuffle, forKey: .shuffle)
        try c.encodeIfPresent(part, forKey: .part)
        try c.encodeIfPresent(detail, forKey: .detail)
    }
}
