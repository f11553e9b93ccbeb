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
