import Foundation

/// How close the judges' aspect ratings come to the ratings reviewers set in `prefab review`
/// (the optional 1–5 rating of each answer's aspects), per aspect, for the ensemble's rating and
/// for each judge.
///
/// A verdict says which answer is better; an aspect rating says how good one answer is on one
/// axis. Where a judge picks the right answer for the wrong reason (helpful, but rated honest
/// when the reviewer found it was not) only the ratings show it. Each comparison is one answer's
/// aspect that a reviewer rated and the judge rated too; several reviewers of one item count as
/// their mean. Judges rating on another scale (a 1–10 critique) and pairwise verdicts are left
/// out: they do not compare with a 1–5 rating.
package struct HumanAspectAgreement: Codable, Hashable, Sendable {
    /// `ensemble` for the run's aggregated rating of the aspect, else a judge's name.
    package var judge: String
    package var aspect: String
    /// Answers whose aspect both the reviewers and the judge rated.
    package var ratings: Int
    /// Mean of |judge − reviewers| in rating points.
    package var meanAbsoluteDifference: Double?
    /// The share of ratings within one point of the reviewers'.
    package var withinOne: Double?
    package var withinOneInterval: HumanAgreement.Interval?
    /// Pearson's correlation of the judge's ratings with the reviewers'; nil with fewer than
    /// three ratings or when either side never varies.
    package var correlation: Double?

    enum CodingKeys: String, CodingKey {
        case judge, aspect, ratings, correlation
        case meanAbsoluteDifference = "mean_absolute_difference"
        case withinOne = "within_one"
        case withinOneInterval = "within_one_ci95"
    }

    /// The reviewers' mean rating of each answer's aspect in an item (completion index →
    /// aspect → rating), from the `LETTER/aspect` keys the page writes.
    package static func humanRatings(_ labels: [HumanLabel]) -> [Int: [String: Double]] {
        var sums: [Int: [String: (total: Double, count: Int)]] = [:]
        for label in labels {
            for (key, rating) in label.aspects ?? [:] {
                let parts = key.split(separator: "/", maxSplits: 1)
                guard parts.count == 2, case .prefers(let index)? = HumanVerdict(label: String(parts[0])) else { continue }
                let current = sums[index, default: [:]][String(parts[1]), default: (0, 0)]
                sums[index, default: [:]][String(parts[1])] = (current.total + rating, current.count + 1)
            }
        }
        return sums.mapValues { $0.mapValues { $0.total / Double($0.count) } }
    }

    /// Every (judge, aspect) with at least one comparison, the ensemble's first, aspects in
    /// name order.
    package static func measure(_ items: [HumanReviewedItem]) -> [HumanAspectAgreement] {
        var pairs: [String: [String: [(human: Double, judge: Double)]]] = [:]  // judge → aspect → ratings
        for item in items {
            for (index, aspects) in humanRatings(item.labels) where item.record.completions.indices.contains(index) {
                let completion = item.record.completions[index]
                for (aspect, human) in aspects {
                    if let text = completion.annotations[aspect]?.rating, let rating = Double(text), (1...5).contains(rating) {
                        pairs["ensemble", default: [:]][aspect, default: []].append((human, rating))
                    }
                    var byJudge: [String: [Double]] = [:]
                    for vote in completion.votes where vote.aspect == aspect && vote.opponent == nil && vote.isRead {
                        guard let rating = vote.rating, (1...5).contains(rating) else { continue }
                        byJudge[vote.judge, default: []].append(rating)
                    }
                    for (judge, ratings) in byJudge {
                        pairs[judge, default: [:]][aspect, default: []].append((human, ratings.reduce(0, +) / Double(ratings.count)))
                    }
                }
            }
        }
        let judges = pairs.keys.sorted { ($0 == "ensemble" ? "" : $0) < ($1 == "ensemble" ? "" : $1) }
        return judges.flatMap { judge in
            pairs[judge]!.keys.sorted().map { aspect in row(judge: judge, aspect: aspect, pairs[judge]![aspect]!) }
        }
    }

    static func row(judge: String, aspect: String, _ pairs: [(human: Double, judge: Double)]) -> HumanAspectAgreement {
        let n = Double(pairs.count)
        let close = pairs.filter { abs($0.human - $0.judge) <= 1 }.count
        var correlation: Double?
        if pairs.count >= 3 {
            let mh = pairs.map(\.human).reduce(0, +) / n
            let mj = pairs.map(\.judge).reduce(0, +) / n
            let covariance = pairs.map { ($0.human - mh) * ($0.judge - mj) }.reduce(0, +)
            let vh = pairs.map { ($0.human - mh) * ($0.human - mh) }.reduce(0, +)
            let vj = pairs.map { ($0.judge - mj) * ($0.judge - mj) }.reduce(0, +)
            if vh > 0, vj > 0 { correlation = covariance / (vh * vj).squareRoot() }
        }
        return HumanAspectAgreement(
            judge: judge, aspect: aspect, ratings: pairs.count,
            meanAbsoluteDifference: pairs.map { abs($0.human - $0.judge) }.reduce(0, +) / n,
            withinOne: Double(close) / n, withinOneInterval: HumanAgreement.wilson(close, pairs.count), correlation: correlation)
    }
}
