/// Turns one rated record into training pairs, following `PairingOptions`.
///
/// The tie guard is the point: a pair must clear `minMargin`, its two sides must differ in text,
/// and a missing score is never read as a number. Random choices (ties for best, the random
/// rejected) draw from a generator keyed by the run seed and the prompt id, so any order of
/// processing, on any machine, after any resume, gives the same rows.
public struct Pairer: Sendable {
    public var options: PairingOptions

    public init(options: PairingOptions) {
        self.options = options
    }

    package func outcome(for record: RatedRecord) -> PairingOutcome {
        outcome(for: record, human: nil)
    }

    /// The outcome, with a reviewer's verdict over the judges' scores when there is one: a tie
    /// or "both bad" drops the prompt, a preference makes that completion the chosen one.
    package func outcome(for record: RatedRecord, human: HumanVerdict?) -> PairingOutcome {
        switch human {
        case .tie?: return .dropped(.humanTie)
        case .bothBad?: return .dropped(.humanBothBad)
        case .prefers(let index)? where record.completions.indices.contains(index):
            return humanOutcome(for: record, chosen: index)
        default: return judgedOutcome(for: record)
        }
    }

    /// A reviewer picked `chosen`. The rejected side follows the strategy among the other
    /// completions (the lowest-scored for best-vs-worst, a seeded random one otherwise, every
    /// one for all-pairs); no margin applies, the person decided. Scores stay the judges'
    /// (0 where a judge gave none), so a row shows what the judges thought.
    private func humanOutcome(for record: RatedRecord, chosen index: Int) -> PairingOutcome {
        let scored = record.completions.enumerated().map { offset, completion in
            ScoredCompletion(completion: completion, score: options.score.score(of: completion).flatMap { $0.isFinite ? $0 : nil } ?? 0, index: offset)
        }
        let best = scored[index]
        if options.strategy == .bestOfN {
            return .best(promptID: record.promptID, prompt: record.messages, completion: best)
        }
        let others = scored.filter { $0.index != index && $0.completion.response != best.completion.response }
        guard !others.isEmpty else { return .dropped(record.completions.count < 2 ? .tooFewCompletions : .identicalResponses) }
        var random = SeededGenerator(seed: options.seed, record.promptID, "pairing", options.strategy.rawValue)
        let pair = { (rejected: ScoredCompletion) in
            PreferencePair(promptID: record.promptID, prompt: record.messages, chosen: best, rejected: rejected, labelSource: .human)
        }
        switch options.strategy {
        case .bestOfN, .bestVsRandom:
            return .pairs([pair(others.randomElement(using: &random)!)])
        case .bestVsWorst:
            let lowest = others.map(\.score).min()!
            return .pairs([pair(others.filter { $0.score == lowest }.randomElement(using: &random)!)])
        case .allPairs:
            return .pairs(others.map(pair))
        }
    }

    private func judgedOutcome(for record: RatedRecord) -> PairingOutcome {
        let needed = options.strategy == .bestOfN ? 1 : 2
        guard record.completions.count >= needed else { return .dropped(.tooFewCompletions) }

        var scored: [ScoredCompletion] = []
        for (index, completion) in record.completions.enumerated() {
            if let score = options.score.score(of: completion), score.isFinite {
                scored.append(ScoredCompletion(completion: completion, score: score, index: index))
            } else if options.missingScores == .dropPrompt {
                return .dropped(.incompleteRatings)
            }
        }
        guard scored.count >= needed else { return .dropped(.missingScores) }

        var random = SeededGenerator(seed: options.seed, record.promptID, "pairing", options.strategy.rawValue)
        let prompt = record.messages

        switch options.strategy {
        case .bestOfN:
            let best = pickBest(scored, using: &random)
            if let floor = options.minScore, best.score < floor { return .dropped(.belowMinimumScore) }
            return .best(promptID: record.promptID, prompt: prompt, completion: best)

        case .bestVsRandom:
            let best = pickBest(scored, using: &random)
            let candidates = scored.filter { clearsMargin(best, $0) }
            guard !candidates.isEmpty else { return .dropped(.tiedScores) }
            let distinct = candidates.filter { $0.completion.response != best.completion.response }
            guard let rejected = distinct.randomElement(using: &random) else { return .dropped(.identicalResponses) }
            return .pairs([PreferencePair(promptID: record.promptID, prompt: prompt, chosen: best, rejected: rejected)])

        case .bestVsWorst:
            let best = pickBest(scored, using: &random)
            let lowest = scored.map(\.score).min()!
            let worst = scored.filter { $0.score == lowest && clearsMargin(best, $0) }
            guard !worst.isEmpty else { return .dropped(.tiedScores) }
            let distinct = worst.filter { $0.completion.response != best.completion.response }
            guard let rejected = distinct.randomElement(using: &random) else { return .dropped(.identicalResponses) }
            return .pairs([PreferencePair(promptID: record.promptID, prompt: prompt, chosen: best, rejected: rejected)])

        case .allPairs:
            var pairs: [PreferencePair] = []
            var clearedMargin = false
            for a in scored {
                for b in scored where a.index != b.index && clearsMargin(a, b) {
                    clearedMargin = true
                    if a.completion.response != b.completion.response {
                        pairs.append(PreferencePair(promptID: record.promptID, prompt: prompt, chosen: a, rejected: b))
                    }
                }
            }
            if pairs.isEmpty { return .dropped(clearedMargin ? .identicalResponses : .tiedScores) }
            pairs.sort { ($0.chosen.index, $0.rejected.index) < ($1.chosen.index, $1.rejected.index) }
            return .pairs(pairs)
        }
    }

    private func clearsMargin(_ chosen: ScoredCompletion, _ rejected: ScoredCompletion) -> Bool {
        chosen.score - rejected.score > options.minMargin
    }

    /// The highest-scoring completion; among equal best scores, a seeded random one.
    private func pickBest(_ scored: [ScoredCompletion], using random: inout SeededGenerator) -> ScoredCompletion {
        let top = scored.map(\.score).max()!
        return scored.filter { $0.score == top }.randomElement(using: &random)!
    }
}
