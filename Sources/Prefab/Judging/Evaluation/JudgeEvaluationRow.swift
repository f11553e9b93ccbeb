import PrefabShards

/// One row of the `eval-judges` table: an ensemble as a whole, or one of its judges.
package struct JudgeEvaluationRow: Codable, Hashable, Sendable {
    package var ensemble: String
    /// nil for the ensemble's own row.
    package var judge: String?
    package var pairs: Int
    /// Pairs where the chosen answer scored higher, lower, the same, or could not be scored.
    package var correct: Int
    package var wrong: Int
    package var ties: Int
    package var failed: Int
    /// Ensemble rows: Krippendorff's alpha between its judges. Judge rows: the share of pairs
    /// where the judge decided as the ensemble did.
    package var agreement: Double?
    package var prefersFirst: Double?
    package var positionConsistency: Double?
    package var prefersLonger: Double?
    package var parseFailureRate: Double?
    package var calls: Int
    @DefaultIfAbsent package var cachedCalls: Int
    package var tokens: Int
    /// In the endpoints' currency, when they have prices.
    package var cost: Double?

    package init(ensemble: String, judge: String?, pairs: Int) {
        self.ensemble = ensemble
        self.judge = judge
        self.pairs = pairs
        correct = 0
        wrong = 0
        ties = 0
        failed = 0
        calls = 0
        cachedCalls = 0
        tokens = 0
    }

    package var accuracy: Double? { pairs > 0 ? Double(correct) / Double(pairs) : nil }

    enum CodingKeys: String, CodingKey {
        case ensemble, judge, pairs, correct, wrong, ties, failed, agreement
        case prefersFirst = "prefers_first"
        case positionConsistency = "position_consistency"
        case prefersLonger = "prefers_longer"
        case parseFailureRate = "parse_failure_rate"
        case calls
        case cachedCalls = "cached_calls"
        case tokens, cost
    }

    /// Figures derived from the stored ones: written for the table's readers, never read back,
    /// so decoding stays the synthesized one.
    private enum DerivedKeys: String, CodingKey {
        case accuracy
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ensemble, forKey: .ensemble)
        try c.encode(judge, forKey: .judge)
        try c.encode(pairs, forKey: .pairs)
        try c.encode(correct, forKey: .correct)
        try c.encode(wrong, forKey: .wrong)
        try c.encode(ties, forKey: .ties)
        try c.encode(failed, forKey: .failed)
        try c.encode(agreement, forKey: .agreement)
        try c.encode(prefersFirst, forKey: .prefersFirst)
        try c.encode(positionConsistency, forKey: .positionConsistency)
        try c.encode(prefersLonger, forKey: .prefersLonger)
        try c.encode(parseFailureRate, forKey: .parseFailureRate)
        try c.encode(calls, forKey: .calls)
        try c.encode(cachedCalls, forKey: .cachedCalls)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(cost, forKey: .cost)
        var derived = encoder.container(keyedBy: DerivedKeys.self)
        try derived.encode(accuracy, forKey: .accuracy)
    }
}
