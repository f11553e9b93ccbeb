/// One judge's verdict on one completion for one aspect: kept whole, so an ensemble can be
/// re-aggregated, audited and compared without asking the judges again.
public struct JudgeVote: Codable, Hashable, Sendable {
    /// Whether the judge's answer could be read.
    public enum ParseStatus: String, Codable, Hashable, Sendable {
        case ok
        /// Read, but only after asking again.
        case retried
        /// Never read: `rating` is nil and `raw` holds what came back.
        case failed
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

    public init(
        judge: String, aspect: String, rating: Double?, rationale: String? = nil, position: Int? = nil,
        raw: String, parse: ParseStatus, attempts: Int = 1
    ) {
        self.judge = judge
        self.aspect = aspect
        self.rating = rating
        self.rationale = rationale
        self.position = position
        self.raw = raw
        self.parse = parse
        self.attempts = attempts
    }
}
