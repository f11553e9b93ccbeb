import Testing

@testable import Prefab

@Suite("Agreement statistics")
struct AgreementStatisticsTests {
    @Test("ordinal Krippendorff's alpha matches Krippendorff's own worked example (0.815)")
    func krippendorffExample() throws {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12
        // units, values 1-5, missing data; ordinal alpha = 0.815 (nominal 0.743, interval 0.849).
        let observers: [[Double?]] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
            [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],
        ]
        var matrix = CoincidenceMatrix()
        for unit in 0..<12 {
            matrix.addUnit(observers.compactMap { $0[unit] })
        }
        #expect(matrix.pairableUnits == 11)  // unit 12 has one value
        #expect(abs(matrix.pairableValues - 40) < 1e-9)
        let alpha = try #require(matrix.ordinalAlpha)
        #expect(abs(alpha - 0.8153875) < 1e-6)
    }

    @Test("alpha is 1 for perfect agreement and undefined without variation")
    func alphaEdges() {
        var perfect = CoincidenceMatrix()
        perfect.addUnit([1, 1])
        perfect.addUnit([3, 3, 3])
        perfect.addUnit([5, 5])
        #expect(perfect.ordinalAlpha == 1)
        var constant = CoincidenceMatrix()
        constant.addUnit([4, 4])
        constant.addUnit([4, 4])
        #expect(constant.ordinalAlpha == nil)
        #expect(CoincidenceMatrix().ordinalAlpha == nil)
    }

    @Test("alpha for two raters who disagree systematically is negative")
    func alphaNegative() throws {
        var matrix = CoincidenceMatrix()
        matrix.addUnit([1, 5])
        matrix.addUnit([5, 1])
        // o(1,5) = o(5,1) = 2, n = 4, δ²(1,5) = (4 − 2)² = 4: α = 1 − 3 · (2·4 + 2·4) / (2·2·4 + 2·2·4) = −0.5.
        #expect(try #require(matrix.ordinalAlpha) == -0.5)
    }

    @Test("quadratic-weighted kappa and Spearman's rho match the hand computation")
    func kappaAndSpearman() throws {
        // a = [1, 2, 2, 3], b = [1, 3, 2, 3].
        // Σ(a−b)² = 1. Marginals a {1:1, 2:2, 3:1}, b {1:1, 2:1, 3:2}: Σ a_x b_y (x−y)² / 4 = 20/4 = 5.
        // κ = 1 − 1/5 = 0.8.
        // Ranks a (1, 2.5, 2.5, 4), b (1, 3.5, 2, 3.5): cov 3.75, variances 4.5 and 4.5: ρ = 0.8333.
        var table = ContingencyTable()
        for (x, y) in zip([1.0, 2, 2, 3], [1.0, 3, 2, 3]) { table.add(x, y) }
        #expect(table.count == 4)
        #expect(abs(try #require(table.quadraticKappa) - 0.8) < 1e-12)
        #expect(abs(try #require(table.spearman) - 3.75 / 4.5) < 1e-12)
    }

    @Test("kappa and Spearman on a second sample (values checked with exact fractions)")
    func kappaSecondSample() throws {
        var table = ContingencyTable()
        for (x, y) in zip([1.0, 2, 3, 4, 5, 3], [1.0, 3, 3, 5, 4, 2]) { table.add(x, y) }
        #expect(abs(try #require(table.quadraticKappa) - 0.8) < 1e-12)
        #expect(abs(try #require(table.spearman) - 0.8088235294117647) < 1e-12)
    }

    @Test("kappa is 1 on identical ratings and nil when nothing varies")
    func kappaEdges() {
        var same = ContingencyTable()
        for value in [1.0, 2, 5] { same.add(value, value) }
        #expect(same.quadraticKappa == 1)
        #expect(same.spearman == 1)
        var flat = ContingencyTable()
        flat.add(3, 3)
        flat.add(3, 3)
        #expect(flat.quadraticKappa == nil)
        #expect(flat.spearman == nil)
    }

    // MARK: - From votes

    static func vote(_ judge: String, _ rating: Double?, position: Int? = nil, aspect: String = "helpfulness", parse: JudgeVote.ParseStatus = .ok) -> JudgeVote {
        JudgeVote(judge: judge, aspect: aspect, rating: rating, position: position, raw: "", parse: rating == nil && parse == .ok ? .failed : parse)
    }

    static func record(_ completions: [RatedCompletion]) -> RatedRecord {
        RatedRecord(source: "", instruction: "q", models: completions.map(\.model), completions: completions, promptID: "p", messages: [.user("q")])
    }

    @Test("position bias, length bias and parse failures are counted per judge from multi-mode votes")
    func biasFromRatings() {
        // Three completions of lengths 1, 3, 2 shown at positions 2, 0, 1.
        let record = Self.record([
            RatedCompletion(model: "a", response: "x", votes: [Self.vote("j", 2, position: 2), Self.vote("k", 2)]),
            RatedCompletion(model: "b", response: "xxx", votes: [Self.vote("j", 5, position: 0), Self.vote("k", 4)]),
            RatedCompletion(model: "c", response: "xx", votes: [Self.vote("j", 4, position: 1), Self.vote("k", nil)]),
        ])
        var accumulator = ReliabilityAccumulator()
        accumulator.add(record)
        let figures = accumulator.figures
        let j = figures.judges["j"]!
        // Pairs (b>a: first shown wins, longer wins), (c>a: earlier wins, longer wins), (b>c: earlier, longer).
        #expect(j.positionComparisons == 3)
        #expect(j.firstPreferred == 3)
        #expect(j.lengthComparisons == 3)
        #expect(j.longerPreferred == 3)
        #expect(j.votes == 3)
        #expect(j.parseFailures == 0)
        let k = figures.judges["k"]!
        #expect(k.votes == 3)
        #expect(k.parseFailures == 1)
        #expect(abs(k.parseFailureRate! - 1.0 / 3) < 1e-12)
        #expect(k.positionComparisons == 0)  // single mode: no order shown
        #expect(k.lengthComparisons == 1)
        #expect(k.longerPreferred == 1)
        // Units rated by both: completions a and b (c's k vote failed).
        #expect(figures.alphaUnits == 2)
        #expect(figures.pairs.count == 1)
        #expect(figures.pairs[0].items == 2)
    }

    @Test("the parts of a call split for the context are separate calls: positions across parts are not compared")
    func splitCallsCompareOnlyWithinAPart() {
        func vote(_ rating: Double, position: Int, part: Int) -> JudgeVote {
            JudgeVote(judge: "j", aspect: "helpfulness", rating: rating, position: position, raw: "", parse: .ok, part: part)
        }
        // Parts [a] (starting at 0) and [b, c] (starting at 1): a and b were each shown first.
        let record = Self.record([
            RatedCompletion(model: "a", response: "x", votes: [vote(5, position: 0, part: 0)]),
            RatedCompletion(model: "b", response: "xx", votes: [vote(2, position: 0, part: 1)]),
            RatedCompletion(model: "c", response: "xxx", votes: [vote(4, position: 1, part: 1)]),
        ])
        var accumulator = ReliabilityAccumulator()
        accumulator.add(record)
        let j = accumulator.figures.judges["j"]!
        // Only b vs c was one call: c (second) won. a vs b at "position 0 vs 0" is no comparison.
        #expect(j.positionComparisons == 1)
        #expect(j.firstPreferred == 0)
        #expect(j.lengthComparisons == 1)
    }

    @Test("pairwise verdicts count once, and both orders give position consistency")
    func pairwiseConsistency() {
        // Completion 0 vs 1. Order 1: 0 shown as A, judge says A (0 wins). Order 2: 1 shown as A,
        // judge says A again (1 wins): inconsistent. Both copies of each verdict are stored.
        func verdict(_ outcome: Double, position: Int, opponent: Int, verdict: String) -> JudgeVote {
            JudgeVote(judge: "p", aspect: "overall", rating: outcome, position: position, raw: "", parse: .ok, verdict: verdict, opponent: opponent)
        }
        let record = Self.record([
            RatedCompletion(model: "a", response: "short", votes: [
                verdict(1, position: 0, opponent: 1, verdict: "A"), verdict(0, position: 1, opponent: 1, verdict: "A"),
            ]),
            RatedCompletion(model: "b", response: "much longer", votes: [
                verdict(0, position: 1, opponent: 0, verdict: "A"), verdict(1, position: 0, opponent: 0, verdict: "A"),
            ]),
        ])
        var accumulator = ReliabilityAccumulator()
        accumulator.add(record)
        let p = accumulator.figures.judges["p"]!
        #expect(p.votes == 2)
        #expect(p.positionComparisons == 2)
        #expect(p.prefersFirst == 1)
        #expect(p.orderPairs == 1)
        #expect(p.positionConsistency == 0)
        #expect(p.lengthComparisons == 2)
        #expect(p.prefersLonger == 0.5)
    }

    @Test("run totals merge records: calls and tokens add, tables keep counting")
    func totals() {
        var first = ReliabilityAccumulator()
        first.addCall(judge: "j", usage: TokenUsage(promptTokens: 10, completionTokens: 5), cached: false)
        first.addCall(judge: "j", usage: TokenUsage(promptTokens: 10, completionTokens: 5), cached: true)
        var record = Self.record([RatedCompletion(model: "a", response: "x", votes: [Self.vote("j", 3), Self.vote("k", 3)])])
        first.addVotes(of: record.completions)
        record.agreement = first.figures
        var run = ReliabilityAccumulator()
        run.add(record)
        run.add(record)
        let figures = run.figures
        #expect(figures.judges["j"]!.calls == 4)
        #expect(figures.judges["j"]!.cachedCalls == 2)
        #expect(figures.judges["j"]!.totalTokens == 60)
        #expect(figures.pairs[0].items == 2)
        #expect(figures.total.votes == 4)
    }
}
