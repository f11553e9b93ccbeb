/// Gathers an ensemble's votes record by record and computes its agreement figures: for one
/// record (stored on the record) or for a whole run (the report's totals).
///
/// Memory stays flat: alpha keeps a coincidence matrix, each pair of judges a contingency table,
/// each judge a handful of counters; no vote is kept.
public struct ReliabilityAccumulator: Sendable {
    // Internal, not private: `ReliabilityAccumulator+Codable` stores them for `prefab merge`.
    var coincidences = CoincidenceMatrix()
    var tables: [JudgePair: ContingencyTable] = [:]
    var judges: [String: JudgeFigures] = [:]

    struct JudgePair: Hashable, Sendable {
        var first: String
        var second: String
    }

    public init() {}

    /// Adds a record's votes, and the calls and tokens its `agreement` figures carry.
    public mutating func add(_ record: RatedRecord) {
        for (name, figures) in record.agreement?.judges ?? [:] {
            var calls = JudgeFigures()
            calls.calls = figures.calls
            calls.cachedCalls = figures.cachedCalls
            calls.promptTokens = figures.promptTokens
            calls.completionTokens = figures.completionTokens
            judges[name, default: JudgeFigures()].merge(calls)
        }
        addVotes(of: record.completions)
    }

    /// Counts calls a judge made (the ensemble calls this as it rates a record).
    public mutating func addCall(judge: String, usage: TokenUsage, cached: Bool) {
        judges[judge, default: JudgeFigures()].calls += 1
        if cached { judges[judge, default: JudgeFigures()].cachedCalls += 1 }
        judges[judge, default: JudgeFigures()].promptTokens += usage.promptTokens
        judges[judge, default: JudgeFigures()].completionTokens += usage.completionTokens
    }

    /// Makes sure a judge appears in the figures even when it cast no vote.
    public mutating func register(judge: String) {
        if judges[judge] == nil { judges[judge] = JudgeFigures() }
    }

    /// Adds the votes on a record's completions.
    public mutating func addVotes(of completions: [RatedCompletion]) {
        let lengths = completions.map { $0.response.count }
        // Rating votes: (completion, aspect) → judge → ratings (several with samples > 1).
        var units: [UnitKey: [String: [Double]]] = [:]
        // For bias figures, per call: (judge, aspect, sample, shuffle, part) → [(completion, position, rating)].
        var calls: [CallKey: [(completion: Int, position: Int?, rating: Double)]] = [:]
        // Pairwise outcomes on the lower-index completion: (judge, aspect, sample, i, j) → position → outcome.
        var orders: [OrderKey: [Int: Double]] = [:]

        for (index, completion) in completions.enumerated() {
            for vote in completion.votes {
                if let opponent = vote.opponent {
                    countPairwise(vote, completion: index, opponent: opponent, lengths: lengths, orders: &orders)
                    continue
                }
                count(vote)
                guard vote.isRead, let rating = vote.rating else { continue }
                units[UnitKey(completion: index, aspect: vote.aspect), default: [:]][vote.judge, default: []].append(rating)
                calls[CallKey(judge: vote.judge, aspect: vote.aspect, sample: vote.sample ?? 0, shuffle: vote.shuffle ?? 0, part: vote.part ?? 0), default: []]
                    .append((index, vote.position, rating))
            }
        }

        for (_, byJudge) in units.sorted(by: { ($0.key.completion, $0.key.aspect) < ($1.key.completion, $1.key.aspect) }) {
            let ratings = byJudge.mapValues { $0.reduce(0, +) / Double($0.count) }
            coincidences.addUnit(Array(ratings.values))
            let names = ratings.keys.sorted()
            for (a, first) in names.enumerated() {
                for second in names[(a + 1)...] {
                    tables[JudgePair(first: first, second: second), default: ContingencyTable()].add(ratings[first]!, ratings[second]!)
                }
            }
        }

        for (key, rated) in calls {
            var figures = judges[key.judge, default: JudgeFigures()]
            for (a, x) in rated.enumerated() {
                for y in rated[(a + 1)...] where x.completion != y.completion && x.rating != y.rating {
                    let winner = x.rating > y.rating ? x : y
                    let loser = x.rating > y.rating ? y : x
                    if let winnerPosition = winner.position, let loserPosition = loser.position, winnerPosition != loserPosition {
                        figures.positionComparisons += 1
                        if winnerPosition < loserPosition { figures.firstPreferred += 1 }
                        figures.countPositions(winner: winnerPosition, loser: loserPosition)
                    }
                    if lengths[winner.completion] != lengths[loser.completion] {
                        figures.lengthComparisons += 1
                        if lengths[winner.completion] > lengths[loser.completion] { figures.longerPreferred += 1 }
                    }
                }
            }
            judges[key.judge] = figures
        }

        for (key, outcomes) in orders {
            guard let shownFirst = outcomes[0], let shownSecond = outcomes[1] else { continue }
            judges[key.judge, default: JudgeFigures()].orderPairs += 1
            if shownFirst == shownSecond { judges[key.judge, default: JudgeFigures()].consistentOrderPairs += 1 }
        }
    }

    /// Vote, failure and retry counts.
    private mutating func count(_ vote: JudgeVote) {
        var figures = judges[vote.judge, default: JudgeFigures()]
        switch vote.parse {
        case .skipped:
            figures.skipped += 1
        case .failed:
            figures.votes += 1
            figures.parseFailures += 1
        case .retried:
            figures.votes += 1
            figures.retried += 1
        case .ok:
            figures.votes += 1
        }
        judges[vote.judge] = figures
    }

    /// A pairwise verdict is stored on both completions; it is counted from the copy on the
    /// completion shown first (position 0), and order consistency from the lower index's copies.
    private mutating func countPairwise(
        _ vote: JudgeVote, completion: Int, opponent: Int, lengths: [Int], orders: inout [OrderKey: [Int: Double]]
    ) {
        if completion < opponent, let position = vote.position, vote.isRead, let outcome = vote.rating {
            orders[OrderKey(judge: vote.judge, aspect: vote.aspect, sample: vote.sample ?? 0, first: completion, second: opponent), default: [:]][position] = outcome
        }
        guard vote.position == 0 else { return }
        count(vote)
        guard vote.isRead, let outcome = vote.rating, outcome != 0.5, lengths.indices.contains(opponent) else { return }
        var figures = judges[vote.judge, default: JudgeFigures()]
        figures.positionComparisons += 1
        if outcome == 1 { figures.firstPreferred += 1 }
        figures.countPositions(winner: outcome == 1 ? 0 : 1, loser: outcome == 1 ? 1 : 0)
        let winner = outcome == 1 ? completion : opponent
        let loser = outcome == 1 ? opponent : completion
        if lengths[winner] != lengths[loser] {
            figures.lengthComparisons += 1
            if lengths[winner] > lengths[loser] { figures.longerPreferred += 1 }
        }
        judges[vote.judge] = figures
    }

    /// Adds another accumulator's figures (for example one per worker).
    public mutating func merge(_ other: ReliabilityAccumulator) {
        coincidences.merge(other.coincidences)
        for (pair, table) in other.tables { tables[pair, default: ContingencyTable()].merge(table) }
        for (name, figures) in other.judges { judges[name, default: JudgeFigures()].merge(figures) }
    }

    public var figures: AgreementFigures {
        AgreementFigures(
            krippendorffAlpha: coincidences.ordinalAlpha,
            alphaUnits: coincidences.pairableUnits,
            pairs: tables.keys.sorted { ($0.first, $0.second) < ($1.first, $1.second) }.map { pair in
                let table = tables[pair]!
                return JudgePairAgreement(
                    first: pair.first, second: pair.second, items: table.count, kappa: table.quadraticKappa,
                    spearman: table.spearman)
            },
            judges: judges)
    }

    private struct UnitKey: Hashable {
        var completion: Int
        var aspect: String
    }

    private struct CallKey: Hashable {
        var judge: String
        var aspect: String
        var sample: Int
        var shuffle: Int
        /// A split call's parts are separate calls: positions in different parts don't compare.
        var part: Int
    }

    private struct OrderKey: Hashable {
        var judge: String
        var aspect: String
        var sample: Int
        var first: Int
        var second: Int
    }
}
