/// The ratings a pass/fail scorer casts on its aspect's 1–5 scale.
public struct ScorerRatings: Hashable, Sendable {
    public var pass: Double
    public var fail: Double

    public init(pass: Double = 5, fail: Double = 1) {
        self.pass = pass
        self.fail = fail
    }

    /// The scale every scorer aspect is on.
    package static let scale = RatingScale.oneToFive

    static func decode<K: CodingKey>(from c: KeyedDecodingContainer<K>, pass passKey: K, fail failKey: K) throws -> ScorerRatings {
        let pass = try c.decodeIfPresent(Double.self, forKey: passKey) ?? 5
        let fail = try c.decodeIfPresent(Double.self, forKey: failKey) ?? 1
        for (key, value) in [(passKey, pass), (failKey, fail)] where !scale.contains(value) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "must be within 1-5, not \(value)")
        }
        return ScorerRatings(pass: pass, fail: fail)
    }

    /// Writes the ratings under the keys `decode` reads them from.
    func encode<K: CodingKey>(to c: inout KeyedEncodingContainer<K>, pass passKey: K, fail failKey: K) throws {
        try c.encode(pass, forKey: passKey)
        try c.encode(fail, forKey: failKey)
    }
}
