import Testing
@testable import Prefab

@Suite struct PairRowBuilderTests {
    typealias F = PairingFixtures

    let record = F.record("p1", [F.completion("good", "Four.", fine: 5), F.completion("bad", "Five.", fine: 1)])

    func rows(_ format: PairFormat, strategy: PairingStrategy = .bestVsWorst, kto: KTOLabeling = .fromPairs) throws -> [PairRow] {
        let outcome = Pairer(options: PairingOptions(strategy: strategy)).outcome(for: record)
        return try PairRowBuilder(format: format, strategy: strategy, kto: kto).rows(for: record, outcome: outcome)
    }

    @Test func everyFormatsRowsHaveExactlyItsColumnsInOrder() throws {
        for format in PairFormat.allCases {
            let strategy: PairingStrategy = format == .sft ? .bestOfN : .bestVsWorst
            for row in try rows(format, strategy: strategy) {
                #expect(row.fields.map(\.name) == format.columns.map(\.name), "\(format)")
                for (field, column) in zip(row.fields, format.columns) {
                    #expect(field.value.kind == column.kind, "\(format).\(field.name) has \(field.value) for a \(column.kind) column")
                }
            }
        }
    }

    @Test func h4RowsCarryTheUserTurnInChosenAndRejected() throws {
        let row = try #require(try rows(.h4).first)
        #expect(row["prompt"] == .string("Question p1?"))
        #expect(row["prompt_id"] == .string("p1"))
        #expect(row["chosen"] == .messages([.user("Question p1?"), .assistant("Four.")]))
        #expect(row["rejected"] == .messages([.user("Question p1?"), .assistant("Five.")]))
        #expect(row["messages"] == row["chosen"])
        #expect(row["score_chosen"] == .number(5))
        #expect(row["score_rejected"] == .number(1))
        #expect(row["margin"] == .number(4))
        #expect(row["chosen_model"] == .string("good"))
        #expect(row["rejected_model"] == .string("bad"))
        #expect(row["label_source"] == .string("judges"))
    }

    @Test func trlConversationalSeparatesThePromptFromTheAnswers() throws {
        let row = try #require(try rows(.trl).first)
        #expect(row["prompt"] == .messages([.user("Question p1?")]))
        #expect(row["chosen"] == .messages([.assistant("Four.")]))
        #expect(row["rejected"] == .messages([.assistant("Five.")]))
        let standard = try #require(try rows(.trlStandard).first)
        #expect(standard["prompt"] == .string("Question p1?"))
        #expect(standard["chosen"] == .string("Four."))
    }

    @Test func ktoFromPairsLabelsChosenTrueAndRejectedFalse() throws {
        let ktoRows = try rows(.kto)
        #expect(ktoRows.count == 2)
        #expect(ktoRows.map { $0["label"] } == [.bool(true), .bool(false)])
        #expect(ktoRows[0]["completion"] == .messages([.assistant("Four.")]))
    }

    @Test func ktoThresholdsLabelEveryScoredCompletionAndSkipTheMiddle() throws {
        let threeWay = F.record("p2", [
            F.completion("a", "A", fine: 4.5), F.completion("b", "B", fine: 3), F.completion("c", "C", fine: 1),
            F.completion("d", "D", fine: nil),
        ])
        let builder = try PairRowBuilder(format: .ktoStandard, strategy: .bestVsRandom, kto: .thresholds(desirable: 4, undesirable: 2))
        let out = builder.rows(for: threeWay, outcome: .dropped(.tiedScores))
        #expect(out.map { $0["completion"] } == [.string("A"), .string("C")])
        #expect(out.map { $0["label"] } == [.bool(true), .bool(false)])
    }

    @Test func rewardModelRowsHoldWholeConversationsAndTheMargin() throws {
        let row = try #require(try rows(.rm).first)
        #expect(row["chosen"] == .messages([.user("Question p1?"), .assistant("Four.")]))
        #expect(row["margin"] == .number(4))
    }

    @Test func sftRowsComeOnlyFromBestOfN() throws {
        #expect(throws: PairingError.self) { try PairRowBuilder(format: .sft, strategy: .bestVsRandom) }
        #expect(throws: PairingError.self) { try PairRowBuilder(format: .h4, strategy: .bestOfN) }
        let row = try #require(try rows(.sft, strategy: .bestOfN).first)
        #expect(row["messages"] == .messages([.user("Question p1?"), .assistant("Four.")]))
    }

    @Test func droppedPromptsGiveNoRows() throws {
        let tied = F.record("p3", [F.completion("a", "A", fine: 2), F.completion("b", "B", fine: 2)])
        let outcome = Pairer(options: PairingOptions()).outcome(for: tied)
        #expect(try PairRowBuilder(format: .h4, strategy: .bestVsRandom).rows(for: tied, outcome: outcome).isEmpty)
    }

    @Test func invertedKTOThresholdsAreRejected() {
        #expect(throws: PairingError.self) {
            try PairRowBuilder(format: .kto, strategy: .bestVsRandom, kto: .thresholds(desirable: 2, undesirable: 3))
        }
    }

    @Test func standardFormatsDropPromptsWithSystemOrEarlierTurnsInsteadOfCuttingThem() throws {
        var withSystem = record
        withSystem.messages = [.system("Answer in French."), .user("Question p1?")]
        var twoTurns = record
        twoTurns.messages = [.user("Hi."), .assistant("Hello!"), .user("Question p1?")]
        for format in [PairFormat.trlStandard, .ktoStandard] {
            let builder = try PairRowBuilder(format: format, strategy: .bestVsWorst)
            for multiTurn in [withSystem, twoTurns] {
                let outcome = Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: multiTurn)
                #expect(builder.dropReason(for: multiTurn) == .multiTurnInStandardFormat, "\(format)")
                #expect(builder.rows(for: multiTurn, outcome: outcome).isEmpty, "\(format)")
            }
            #expect(builder.dropReason(for: record) == nil)
            #expect(!builder.rows(for: record, outcome: Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: record)).isEmpty)
        }
        // Message formats carry the whole conversation, so nothing is dropped.
        let trl = try PairRowBuilder(format: .trl, strategy: .bestVsWorst)
        let outcome = Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: withSystem)
        #expect(trl.rows(for: withSystem, outcome: outcome).first?["prompt"] == .messages(withSystem.messages))
    }

    @Test func ktoLabelsFromAllPairsAreRejectedNamingTheFix() throws {
        for format in [PairFormat.kto, .ktoStandard] {
            #expect(throws: PairingError.ktoLabelsFromAllPairs(format: format.rawValue)) {
                try PairRowBuilder(format: format, strategy: .allPairs)
            }
            // Thresholds label each answer once, whatever the strategy.
            _ = try PairRowBuilder(format: format, strategy: .allPairs, kto: .thresholds(desirable: 4, undesirable: 2))
        }
        let message = PairingError.ktoLabelsFromAllPairs(format: "kto").description
        #expect(message.contains("kto: {desirable") && message.contains("best-vs-random"))
    }
}
