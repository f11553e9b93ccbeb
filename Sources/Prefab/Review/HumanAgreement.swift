import Foundation

/// How far a run's recorded judge votes agree with the people who reviewed it
/// (`prefab eval-judges --human RUN_DIR`), per judge and for the ensemble's scores.
///
/// Each reviewed item is one comparison of two answers (`HumanReviewedItem`): the human says
/// the first, the second, or neither (a tie or "both bad"); a judge says whichever it scored
/// higher, or a tie. Accuracy is on the items with a human preference; Cohen's kappa (three
/// categories) on every item the judge scored; bias figures on the reviewed items only. Each
/// rate has a 95% Wilson interval, kappa a normal-approximation one, so a handful of reviews
/// is not read as more than it is.
package struct HumanAgreement: Codable, Sendable {
    package struct Interval: Codable, Hashable, Sendable {
        package var low: Double
        package var high: Double
    }

    package struct Row: Codable, Hashable, Sendable {
        /// A judge's name, or `ensemble` for the run's aggregated scores.
        package var judge: String
        /// Reviewed items the judge scored both answers of.
        package var items: Int
        /// Items with a human preference that the judge decided the same way.
        package var agree: Int
        /// Items with a human preference.
        package var preferences: Int
        package var accuracy: Double?
        package var accuracyInterval: Interval?
        package var kappa: Double?
        package var kappaInterval: Interval?
        /// Pairwise judges: the share of decisive comparisons on the reviewed items won by the
        /// answer shown first; nil for judges that rate one answer at a time.
        package var prefersFirst: Double?
        package var prefersFirstInterval: Interval?
        /// The share of the judge's decisive decisions that picked the longer answer.
        package var prefersLonger: Double?
        package var prefersLongerInterval: Interval?

        enum CodingKeys: String, CodingKey {
            case judge, items, agree, preferences, accuracy, kappa
            case accuracyInterval = "accuracy_ci95"
            case kappaInterval = "kappa_ci95"
            case prefersFirst = "prefers_first"
            case prefersFirstInterval = "prefers_first_ci95"
            case prefersLonger = "prefers_longer"
            case prefersLongerInterval = "prefers_longer_ci95"
        }
    }

    /// An item where the people chose differently from the judges.
    package struct Overturned: Codable, Hashable, Sendable {
        package var promptID: String
        package var human: String
        /// The judges' chosen answer's letter, or nil when they made no pair.
        package var judges: String?

        enum CodingKeys: String, CodingKey {
            case human, judges
            case promptID = "prompt_id"
        }
    }

    package var reviewed: Int
    package var conflicts: Int
    /// The share of decisive human preferences that picked the longer answer (to set the
    /// judges' `prefers_longer` against).
    package var humanPrefersLonger: Double?
    package var rows: [Row]
    package var overturned: [Overturned]
    /// The judges' aspect ratings against the ratings reviewers set, where they set any.
    package var aspects: [HumanAspectAgreement]

    enum CodingKeys: String, CodingKey {
        case reviewed, conflicts, rows, overturned, aspects
        case humanPrefersLonger = "human_prefers_longer"
    }

    /// Measures the run in `runDirectory` against its `review.sqlite`; nil when it has none or
    /// no agreed verdicts.
    package static func measure(runDirectory: String) throws(HumanVerdictsError) -> HumanAgreement? {
        guard let verdicts = try HumanVerdicts.load(runDirectory: runDirectory), !verdicts.isEmpty else { return nil }
        let items = try HumanReviewedItem.load(runDirectory: runDirectory, verdicts: verdicts)
        return HumanAgreement(items: items, conflicts: verdicts.conflicts.count)
    }

    /// 0: the first answer, 1: the second, 2: neither.
    typealias Category = Int

    package init(items: [HumanReviewedItem], conflicts: Int) {
        reviewed = items.count
        self.conflicts = conflicts
        var judges: [String] = []
        for item in items {
            for completion in item.record.completions {
                for vote in completion.votes where !judges.contains(vote.judge) && vote.parse != .skipped { judges.append(vote.judge) }
                for judge in completion.scores.keys where !judges.contains(judge) { judges.append(judge) }
            }
        }
        var longer = (picked: 0, decided: 0)
        for item in items {
            guard case .prefers = item.verdict else { continue }
            let (a, b) = (item.record.completions[item.first].response.count, item.record.completions[item.second].response.count)
            if a != b {
                longer.decided += 1
                if a > b { longer.picked += 1 }
            }
        }
        humanPrefersLonger = longer.decided > 0 ? Double(longer.picked) / Double(longer.decided) : nil
        rows = [Self.row(judge: "ensemble", items: items, score: { $0.fineGrainedScore ?? $0.overallScore }, positions: nil)]
            + judges.sorted().map { judge in
                Self.row(judge: judge, items: items, score: { Self.judgeScore(judge, $0) }, positions: judge)
            }
        aspects = HumanAspectAgreement.measure(items)
        overturned = items.compactMap { item in
            guard case .prefers(let chosen) = item.verdict else { return nil }
            let judges = HumanReviewedItem.judgesPair(item.record)
            guard judges?.chosen != chosen else { return nil }
            return Overturned(
                promptID: item.record.promptID, human: item.verdict.label, judges: judges.map { HumanVerdict.prefers($0.chosen).label })
        }
    }

    /// A judge's score of one completion: its win rate when it compares pairs, else the mean
    /// of its readable ratings over aspects.
    static func judgeScore(_ judge: String, _ completion: RatedCompletion) -> Double? {
        let votes = completion.votes.filter { $0.judge == judge && $0.isRead }
        if votes.contains(where: { $0.opponent != nil }) || votes.isEmpty { return completion.scores[judge] }
        let ratings = votes.compactMap(\.rating)
        return ratings.isEmpty ? nil : ratings.reduce(0, +) / Double(ratings.count)
    }

    static func row(judge: String, items: [HumanReviewedItem], score: (RatedCompletion) -> Double?, positions: String?) -> Row {
        var pairs: [(human: Category, judge: Category)] = []
        var agree = 0
        var preferences = 0
        var longer = (picked: 0, decided: 0)
        var first = (won: 0, decided: 0)
        for item in items {
            let a = item.record.completions[item.first]
            let b = item.record.completions[item.second]
            guard let sa = score(a), let sb = score(b), sa.isFinite, sb.isFinite else { continue }
            let judged: Category = sa > sb ? 0 : sa < sb ? 1 : 2
            let human: Category = if case .prefers = item.verdict { 0 } else { 2 }
            pairs.append((human, judged))
            if human == 0 {
                preferences += 1
                if judged == 0 { agree += 1 }
            }
            if judged != 2, a.response.count != b.response.count {
                longer.decided += 1
                if (judged == 0) == (a.response.count > b.response.count) { longer.picked += 1 }
            }
            if let positions {
                for completion in [a, b] {
                    for vote in completion.votes where vote.judge == positions && vote.opponent != nil && vote.position == 0 && vote.isRead {
                        guard let rating = vote.rating, rating != 0.5 else { continue }
                        first.decided += 1
                        if rating == 1 { first.won += 1 }
                    }
                }
            }
        }
        var row = Row(judge: judge, items: pairs.count, agree: agree, preferences: preferences)
        if preferences > 0 {
            row.accuracy = Double(agree) / Double(preferences)
            row.accuracyInterval = wilson(agree, preferences)
        }
        (row.kappa, row.kappaInterval) = kappa(pairs)
        if longer.decided > 0 {
            row.prefersLonger = Double(longer.picked) / Double(longer.decided)
            row.prefersLongerInterval = wilson(longer.picked, longer.decided)
        }
        if first.decided > 0 {
            row.prefersFirst = Double(first.won) / Double(first.decided)
            row.prefersFirstInterval = wilson(first.won, first.decided)
        }
        return row
    }

    /// The 95% Wilson score interval of `successes` out of `trials`.
    static func wilson(_ successes: Int, _ trials: Int) -> Interval {
        let z = 1.959963984540054
        let n = Double(trials)
        let p = Double(successes) / n
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / (1 + z * z / n)
        return Interval(low: max(0, centre - half), high: min(1, centre + half))
    }

    /// Unweighted Cohen's kappa over the categories, with the normal-approximation 95% interval
    /// (standard error √(pₒ(1−pₒ)/(n(1−pₑ)²))). Nil when undefined (no items, or every rating
    /// in one category on both sides).
    static func kappa(_ pairs: [(human: Category, judge: Category)]) -> (Double?, Interval?) {
        let n = Double(pairs.count)
        guard n > 0 else { return (nil, nil) }
        let observed = Double(pairs.filter { $0.human == $0.judge }.count) / n
        var expected = 0.0
        for category in 0...2 {
            let h = Double(pairs.filter { $0.human == category }.count) / n
            let j = Double(pairs.filter { $0.judge == category }.count) / n
            expected += h * j
        }
        guard expected < 1 else { return (nil, nil) }
        let kappa = (observed - expected) / (1 - expected)
        let error = (observed * (1 - observed) / (n * (1 - expected) * (1 - expected))).squareRoot()
        return (kappa, Interval(low: max(-1, kappa - 1.96 * error), high: min(1, kappa + 1.96 * error)))
    }

    /// `kappa` and `wilson`, for the tests that pin them to hand-computed values.
    package static func kappaForTesting(_ pairs: [(human: Int, judge: Int)]) -> (Double?, Interval?) { kappa(pairs) }
    package static func wilsonForTesting(_ successes: Int, _ trials: Int) -> Interval { wilson(successes, trials) }

    /// The figures as a table for the terminal.
    package func table() -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        func interval(_ value: Interval?) -> String { value.map { String(format: "[%.0f–%.0f%%]", $0.low * 100, $0.high * 100) } ?? "" }
        func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "–" }
        var lines = ["\(reviewed) reviewed items (\(conflicts) in conflict, left out); humans picked the longer answer \(percent(humanPrefersLonger))"]
        lines.append("judge\titems\taccuracy\tkappa\tprefers first\tprefers longer")
        for row in rows {
            lines.append([
                row.judge, "\(row.items)", "\(percent(row.accuracy)) \(interval(row.accuracyInterval)) (\(row.agree)/\(row.preferences))",
                "\(number(row.kappa))" + (row.kappaInterval.map { String(format: " [%.2f, %.2f]", $0.low, $0.high) } ?? ""),
                "\(percent(row.prefersFirst)) \(interval(row.prefersFirstInterval))",
                "\(percent(row.prefersLonger)) \(interval(row.prefersLongerInterval))",
            ].joined(separator: "\t"))
        }
        if !aspects.isEmpty {
            lines.append("aspect ratings against the reviewers' (1–5):")
            lines.append("judge\taspect\tratings\tmean |difference|\twithin 1 point\tcorrelation")
            for row in aspects {
                lines.append([
                    row.judge, row.aspect, "\(row.ratings)", number(row.meanAbsoluteDifference),
                    "\(percent(row.withinOne)) \(interval(row.withinOneInterval))", number(row.correlation),
                ].joined(separator: "\t"))
            }
        }
        if !overturned.isEmpty {
            lines.append("overturned by reviewers: " + overturned.map { "\($0.promptID) (\($0.judges ?? "no pair") → \($0.human))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// `prefab eval-judges --human RUN_DIR --json`: the run's recorded votes against the reviewers,
/// and the ensembles named with `--judges` rating the reviewed preferences again (nil when none
/// was named), as one JSON document.
package struct HumanEvaluation: Codable, Sendable {
    package var recorded: HumanAgreement
    package var ensembles: JudgeEvaluationReport?

    package init(recorded: HumanAgreement, ensembles: JudgeEvaluationReport?) {
        self.recorded = recorded
        self.ensembles = ensembles
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recorded, forKey: .recorded)
        try c.encode(ensembles, forKey: .ensembles)  // null, not absent, when no ensemble was named
    }

    enum CodingKeys: String, CodingKey { case recorded, ensembles }
}
