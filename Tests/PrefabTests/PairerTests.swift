import Testing
@testable import Prefab

@Suite struct PairerTests {
    typealias F = PairingFixtures

    @Test func bestVsRandomChoosesTheTopAndNeverATiedRejected() {
        let record = F.record("p1", [
            F.completion("a", "A", fine: 4.5), F.completion("b", "B", fine: 4.5),
            F.completion("c", "C", fine: 2.0), F.completion("d", "D", fine: 3.0),
        ])
        for seed in 0..<50 as Range<UInt64> {
            let pairs = F.pairs(Pairer(options: PairingOptions(strategy: .bestVsRandom, seed: seed)).outcome(for: record))
            #expect(pairs.count == 1)
            let pair = pairs[0]
            #expect(pair.chosen.score == 4.5)
            #expect(pair.rejected.score < 4.5)
            #expect(pair.margin > 0)
        }
    }

    @Test func bestVsRandomDrawsEveryLowerCompletionOverSeeds() {
        let record = F.record("p1", [
            F.completion("a", "A", fine: 5), F.completion("b", "B", fine: 1),
            F.completion("c", "C", fine: 2), F.completion("d", "D", fine: 3),
        ])
        var seen = Set<String>()
        for seed in 0..<200 as Range<UInt64> {
            let pair = F.pairs(Pairer(options: PairingOptions(seed: seed)).outcome(for: record))[0]
            seen.insert(pair.rejected.completion.model)
        }
        #expect(seen == ["b", "c", "d"])
    }

    @Test func sameSeedAndPromptGiveTheSameChoice() {
        let record = F.record("p9", (0..<6).map { F.completion("m\($0)", "R\($0)", fine: Double($0 % 3)) })
        let options = PairingOptions(strategy: .bestVsRandom, seed: 42)
        let first = Pairer(options: options).outcome(for: record)
        for _ in 0..<5 { #expect(Pairer(options: options).outcome(for: record) == first) }
    }

    @Test func bestVsWorstTakesTheWidestMargin() {
        let record = F.record("p2", [
            F.completion("a", "A", fine: 3), F.completion("b", "B", fine: 5), F.completion("c", "C", fine: 1.5),
        ])
        let pair = F.pairs(Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: record))[0]
        #expect(pair.chosen.completion.model == "b")
        #expect(pair.rejected.completion.model == "c")
        #expect(pair.margin == 3.5)
    }

    @Test func allPairsKeepsOnlyPairsAboveTheMargin() {
        let record = F.record("p3", [
            F.completion("a", "A", fine: 5), F.completion("b", "B", fine: 4), F.completion("c", "C", fine: 1),
        ])
        let pairs = F.pairs(Pairer(options: PairingOptions(strategy: .allPairs, minMargin: 1.5)).outcome(for: record))
        #expect(pairs.map { "\($0.chosen.completion.model)>\($0.rejected.completion.model)" } == ["a>c", "b>c"])
    }

    @Test func allTiedScoresDropThePromptForEveryPairStrategy() {
        let record = F.record("p4", [F.completion("a", "A", fine: 3), F.completion("b", "B", fine: 3)])
        for strategy in [PairingStrategy.bestVsRandom, .bestVsWorst, .allPairs] {
            #expect(Pairer(options: PairingOptions(strategy: strategy)).outcome(for: record) == .dropped(.tiedScores))
        }
    }

    @Test func marginEqualToMinMarginIsATie() {
        let record = F.record("p5", [F.completion("a", "A", fine: 4), F.completion("b", "B", fine: 3)])
        #expect(Pairer(options: PairingOptions(minMargin: 1)).outcome(for: record) == .dropped(.tiedScores))
        #expect(F.pairs(Pairer(options: PairingOptions(minMargin: 0.99)).outcome(for: record)).count == 1)
    }

    @Test func identicalResponseTextNeverBecomesAPair() {
        let record = F.record("p6", [F.completion("a", "same", fine: 5), F.completion("b", "same", fine: 1)])
        #expect(Pairer(options: PairingOptions()).outcome(for: record) == .dropped(.identicalResponses))
        #expect(Pairer(options: PairingOptions(strategy: .allPairs)).outcome(for: record) == .dropped(.identicalResponses))
    }

    @Test func aPromptWithOneCompletionGivesNoPairButABestOfNRow() {
        let record = F.record("p7", [F.completion("a", "A", fine: 4)])
        #expect(Pairer(options: PairingOptions()).outcome(for: record) == .dropped(.tooFewCompletions))
        guard case .best(_, _, let best) = Pairer(options: PairingOptions(strategy: .bestOfN)).outcome(for: record) else {
            Issue.record("expected a best-of-n row")
            return
        }
        #expect(best.completion.model == "a")
    }

    @Test func missingScoresAreSkippedNotReadAsZero() {
        let record = F.record("p8", [
            F.completion("a", "A", fine: nil), F.completion("b", "B", fine: 2), F.completion("c", "C", fine: 3),
        ])
        let pair = F.pairs(Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: record))[0]
        #expect(pair.rejected.completion.model == "b")
        #expect(Pairer(options: PairingOptions(missingScores: .dropPrompt)).outcome(for: record) == .dropped(.incompleteRatings))
    }

    @Test func tooFewScoredCompletionsIsCountedAsMissingScores() {
        let record = F.record("p10", [F.completion("a", "A", fine: nil), F.completion("b", "B", fine: 2)])
        #expect(Pairer(options: PairingOptions()).outcome(for: record) == .dropped(.missingScores))
    }

    @Test func bestOfNHonoursTheScoreFloor() {
        let record = F.record("p11", [F.completion("a", "A", fine: 2), F.completion("b", "B", fine: 2.5)])
        #expect(Pairer(options: PairingOptions(strategy: .bestOfN, minScore: 3)).outcome(for: record) == .dropped(.belowMinimumScore))
    }

    @Test func scoreSourcesReadTheRightNumbers() throws {
        let c = F.completion("a", "A", fine: 3.5, overall: 8, aspects: ["honesty": "4", "helpfulness": "2"], scores: ["rm": 0.7])
        #expect(ScoreSource.fineGrained.score(of: c) == 3.5)
        #expect(ScoreSource.overall.score(of: c) == 8)
        #expect(try ScoreSource(parsing: "aspect:honesty").score(of: c) == 4)
        #expect(try ScoreSource(parsing: "weighted:honesty=3,helpfulness=1").score(of: c) == 3.5)
        #expect(try ScoreSource(parsing: "score:rm").score(of: c) == 0.7)
        #expect(try ScoreSource(parsing: "weighted:honesty=1,truthfulness=1").score(of: c) == nil)
    }

    @Test func notApplicableRatingsCountAsMissing() {
        let c = F.completion("a", "A", fine: nil, aspects: ["honesty": "N/A"])
        #expect(ScoreSource.aspect("honesty").score(of: c) == nil)
    }

    @Test func badScoreSourcesAndStrategiesAreRejectedWithTheValidChoices() {
        #expect(throws: PairingError.invalidScoreSource("weighted:honesty")) { try ScoreSource(parsing: "weighted:honesty") }
        #expect(throws: PairingError.invalidScoreSource("aspect")) { try ScoreSource(parsing: "aspect") }
        #expect((try? PairingStrategy(parsing: "best-vs-middle")) == nil)
        do {
            _ = try PairingStrategy(parsing: "nope")
        } catch {
            #expect(error.description.contains("best-vs-random"))
        }
    }
}
