/// How the votes on one aspect of one completion become one rating (`judges/README.md`).
public enum AggregationMethod: String, Codable, Hashable, Sendable, CaseIterable {
    /// Σ weight × rating / Σ weight.
    case weightedMean = "weighted_mean"
    /// The median vote (the mean of the middle two for an even count); weights are ignored.
    case median
    /// The rating with the most weight behind it; a tie goes to the lower rating.
    case majority
    /// The scale's max when every vote clears the pass threshold, else the scale's min.
    case allPass = "all_pass"

    /// Combines votes (value, weight > 0) on a scale; nil when there are none.
    package func combine(_ votes: [(value: Double, weight: Double)], scale: RatingScale, passThreshold: Double? = nil) -> Double? {
        let votes = votes.filter { $0.weight > 0 }
        guard !votes.isEmpty else { return nil }
        switch self {
        case .weightedMean:
            let weight = votes.reduce(0) { $0 + $1.weight }
            return votes.reduce(0) { $0 + $1.value * $1.weight } / weight
        case .median:
            let sorted = votes.map(\.value).sorted()
            let middle = sorted.count / 2
            return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
        case .majority:
            var totals: [Double: Double] = [:]
            for vote in votes { totals[vote.value, default: 0] += vote.weight }
            let best = totals.values.max()!
            return totals.filter { $0.value == best }.keys.min()
        case .allPass:
            let threshold = passThreshold ?? Double(scale.max)
            return votes.allSatisfy { $0.value >= threshold } ? Double(scale.max) : Double(scale.min)
        }
    }

    /// Combines pairwise outcomes for one completion against one other (1 won, 0.5 tie, 0 lost)
    /// so that the two sides always add up to 1: disagreeing verdicts (A/B then B/A picking
    /// different answers) come out as a tie under every method.
    public func combineOutcomes(_ outcomes: [(value: Double, weight: Double)]) -> Double? {
        let outcomes = outcomes.filter { $0.weight > 0 }
        guard !outcomes.isEmpty else { return nil }
        switch self {
        case .weightedMean, .median:
            // Both keep the sides summing to 1 as they are (the scale plays no part in them).
            return combine(outcomes, scale: .oneToFive)
        case .majority:
            var totals: [Double: Double] = [:]
            for outcome in outcomes { totals[outcome.value, default: 0] += outcome.weight }
            let best = totals.values.max()!
            let leaders = totals.filter { $0.value == best }.keys
            return leaders.count == 1 ? leaders.first! : 0.5
        case .allPass:
            if outcomes.allSatisfy({ $0.value == 1 }) { return 1 }
            if outcomes.allSatisfy({ $0.value == 0 }) { return 0 }
            return 0.5
        }
    }
}
