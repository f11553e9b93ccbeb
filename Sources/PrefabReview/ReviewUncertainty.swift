import Prefab

/// How unsure the judges were about one rated record, the order of the review queue.
///
/// Co-annotation sends people the items machines are least sure of. Four signals, each on 0–1,
/// summed (so an item that is unsure in several ways comes before one unsure in one):
/// - `spread`: how far the judges' ratings of the same completion and aspect lie apart, as a
///   share of the rating scale, averaged over the completions and aspects two judges rated;
/// - `orderInconsistency`: the share of a pairwise judge's comparisons whose winner changed when
///   the two answers swapped places;
/// - `closeness`: 1 when the best and second-best scores tie, falling to 0 at a margin of 2;
///   1 when fewer than two completions have a score;
/// - `failedShare`: the share of votes that could not be read or said N/A.
package struct ReviewUncertainty: Hashable, Sendable, Codable {
    package var spread: Double
    package var orderInconsistency: Double
    /// Best minus second-best score (fine-grained, else overall); nil with fewer than two.
    package var margin: Double?
    package var failedShare: Double

    package var closeness: Double {
        guard let margin else { return 1 }
        return max(0, min(1, 1 - margin / 2))
    }

    package var score: Double { spread + orderInconsistency + closeness + failedShare }

    /// Short names of what made the item uncertain, for the queue's flag filter.
    package var reasons: [String] {
        var reasons: [String] = []
        if spread >= 0.25 { reasons.append("disagreement") }
        if orderInconsistency > 0 { reasons.append("order") }
        if closeness >= 0.75 { reasons.append("close") }
        if failedShare > 0 { reasons.append("failed") }
        return reasons
    }

    enum CodingKeys: String, CodingKey {
        case spread, margin, closeness, score, reasons
        case orderInconsistency = "order_inconsistency"
        case failedShare = "failed_share"
    }

    package init(spread: Double, orderInconsistency: Double, margin: Double?, failedShare: Double) {
        self.spread = spread
        self.orderInconsistency = orderInconsistency
        self.margin = margin
        self.failedShare = failedShare
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spread = try c.decode(Double.self, forKey: .spread)
        orderInconsistency = try c.decode(Double.self, forKey: .orderInconsistency)
        margin = try c.decodeIfPresent(Double.self, forKey: .margin)
        failedShare = try c.decode(Double.self, forKey: .failedShare)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(spread, forKey: .spread)
        try c.encode(orderInconsistency, forKey: .orderInconsistency)
        try c.encode(margin, forKey: .margin)
        try c.encode(failedShare, forKey: .failedShare)
        try c.encode(closeness, forKey: .closeness)
        try c.encode(score, forKey: .score)
        try c.encode(reasons, forKey: .reasons)
    }

    /// What the score reads of one completion: its score (fine-grained, else overall) and votes.
    package struct Completion: Sendable {
        package var score: Double?
        package var votes: [JudgeVote]

        package init(score: Double?, votes: [JudgeVote]) {
            self.score = score
            self.votes = votes
        }
    }

    /// The figures as JSON, as `encode(to:)` writes them: written by hand because the index
    /// build stores one per record, and a `JSONEncoder` per record was a measurable share of it.
    var json: String {
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
        let reasons = reasons.map { "\"\($0)\"" }.joined(separator: ",")
        return "{\"spread\":\(number(spread)),\"order_inconsistency\":\(number(orderInconsistency)),"
            + "\"margin\":\(margin.map(number) ?? "null"),\"failed_share\":\(number(failedShare)),"
            + "\"closeness\":\(number(closeness)),\"score\":\(number(score)),\"reasons\":[\(reasons)]}"
    }

    package init(_ record: RatedRecord) {
        self.init(completions: record.completions.map { Completion(score: $0.fineGrainedScore ?? $0.overallScore, votes: $0.votes) })
    }

    package init(completions: [Completion]) {
        var spreads: [Double] = []
        var votes = 0
        var failed = 0
        var comparisons: [String: [Int: Double]] = [:]  // judge|completion|opponent → position → rating
        for (index, completion) in completions.enumerated() {
            var byAspect: [String: [String: [Double]]] = [:]  // aspect → judge → ratings
            for vote in completion.votes where vote.parse != .skipped {
                votes += 1
                if vote.parse == .failed || vote.notApplicable { failed += 1 }
                guard vote.isRead, let rating = vote.rating else { continue }
                if let opponent = vote.opponent, let position = vote.position {
                    comparisons["\(vote.judge)|\(index)|\(opponent)", default: [:]][position] = rating
                } else {
                    byAspect[vote.aspect, default: [:]][vote.judge, default: []].append(rating)
                }
            }
            for judges in byAspect.values where judges.count >= 2 {
                let means = judges.values.map { $0.reduce(0, +) / Double($0.count) }
                let range = means.max()! - means.min()!
                // A 1–10 critique spreads over 9 points, a 1–5 aspect over 4.
                let scale = means.max()! > 5 ? 9.0 : 4.0
                spreads.append(min(1, range / scale))
            }
        }
        let both = comparisons.values.filter { $0.count >= 2 }
        let inconsistent = both.filter { Set($0.values).count > 1 }.count
        let scores = completions.compactMap(\.score).sorted(by: >)
        self.init(
            spread: spreads.isEmpty ? 0 : spreads.reduce(0, +) / Double(spreads.count),
            orderInconsistency: both.isEmpty ? 0 : Double(inconsistent) / Double(both.count),
            margin: scores.count >= 2 ? scores[0] - scores[1] : nil,
            failedShare: votes == 0 ? 0 : Double(failed) / Double(votes))
    }
}
