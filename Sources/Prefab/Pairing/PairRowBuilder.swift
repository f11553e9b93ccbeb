/// Makes output rows in one format from pairing outcomes.
public struct PairRowBuilder: Sendable {
    public let format: PairFormat
    public let kto: KTOLabeling
    /// The score used for KTO thresholds (the pairing score).
    public let score: ScoreSource

    public init(format: PairFormat, strategy: PairingStrategy, kto: KTOLabeling = .fromPairs, score: ScoreSource = .fineGrained)
        throws(PairingError)
    {
        if format.takesSingleCompletions, strategy != .bestOfN {
            throw .formatNeedsSingleRows(format: format.rawValue, strategy: strategy.rawValue)
        }
        if !format.takesSingleCompletions, strategy == .bestOfN {
            throw .formatNeedsPairs(format: format.rawValue, strategy: strategy.rawValue)
        }
        if format.isUnpaired, kto == .fromPairs, strategy == .allPairs {
            throw .ktoLabelsFromAllPairs(format: format.rawValue)
        }
        if case .thresholds(let desirable, let undesirable) = kto, undesirable >= desirable {
            throw .invalidOption(
                name: "KTO thresholds", value: "desirable \(desirable), undesirable \(undesirable)",
                expected: "an undesirable threshold below the desirable one")
        }
        self.format = format
        self.kto = kto
        self.score = score
    }

    /// Rows for one record. KTO with thresholds labels every scored completion of the record;
    /// every other format follows the outcome.
    package func rows(for record: RatedRecord, outcome: PairingOutcome) -> [PairRow] {
        if dropReason(for: record) != nil { return [] }
        // A reviewer's tie or "both bad" removes the prompt in every format.
        if case .dropped(let reason) = outcome, reason == .humanTie || reason == .humanBothBad { return [] }
        if format.isUnpaired, case .thresholds(let desirable, let undesirable) = kto {
            return record.completions.compactMap { completion in
                guard let value = score.score(of: completion) else { return nil }
                let label: Bool
                if value >= desirable { label = true } else if value <= undesirable { label = false } else { return nil }
                return unpairedRow(record.promptID, record.messages, completion.response, label)
            }
        }
        switch outcome {
        case .dropped: return []
        case .best(let promptID, let prompt, let best):
            return [Self.bestRow(promptID: promptID, prompt: prompt, best: best)]
        case .pairs(let pairs):
            return pairs.flatMap { pair -> [PairRow] in
                if format.isUnpaired {
                    return [
                        unpairedRow(pair.promptID, pair.prompt, pair.chosen.completion.response, true),
                        unpairedRow(pair.promptID, pair.prompt, pair.rejected.completion.response, false),
                    ]
                }
                return [pairedRow(pair)]
            }
        }
    }

    private func pairedRow(_ pair: PreferencePair) -> PairRow {
        let chosen = pair.chosen.completion.response
        let rejected = pair.rejected.completion.response
        let promptText = Self.promptText(pair.prompt)
        switch format {
        case .h4:
            let chosenMessages = pair.prompt + [.assistant(chosen)]
            return PairRow(promptID: pair.promptID, fields: [
                ("prompt", .string(promptText)), ("prompt_id", .string(pair.promptID)),
                ("chosen", .messages(chosenMessages)), ("rejected", .messages(pair.prompt + [.assistant(rejected)])),
                ("messages", .messages(chosenMessages)),
                ("score_chosen", .number(pair.chosen.score)), ("score_rejected", .number(pair.rejected.score)),
                ("margin", .number(pair.margin)),
                ("chosen_model", .string(pair.chosen.completion.model)),
                ("rejected_model", .string(pair.rejected.completion.model)),
                ("label_source", .string(pair.labelSource.rawValue)),
            ])
        case .trl:
            return PairRow(promptID: pair.promptID, fields: [
                ("prompt", .messages(pair.prompt)), ("chosen", .messages([.assistant(chosen)])),
                ("rejected", .messages([.assistant(rejected)])),
            ])
        case .trlStandard:
            return PairRow(promptID: pair.promptID, fields: [
                ("prompt", .string(promptText)), ("chosen", .string(chosen)), ("rejected", .string(rejected)),
            ])
        case .rm:
            return PairRow(promptID: pair.promptID, fields: [
                ("chosen", .messages(pair.prompt + [.assistant(chosen)])),
                // A reward model trained with a margin must never be pushed the wrong way: where a
                // person overturned the judges, the margin is 0, not negative.
                ("rejected", .messages(pair.prompt + [.assistant(rejected)])),
                ("margin", .number(pair.labelSource == .human ? max(0, pair.margin) : pair.margin)),
            ])
        case .kto, .ktoStandard, .sft:
            preconditionFailure("\(format) rows are not paired rows")
        }
    }

    private func unpairedRow(_ promptID: String, _ prompt: [ChatMessage], _ completion: String, _ label: Bool) -> PairRow {
        if format == .ktoStandard {
            return PairRow(promptID: promptID, fields: [
                ("prompt", .string(Self.promptText(prompt))), ("completion", .string(completion)), ("label", .bool(label)),
            ])
        }
        return PairRow(promptID: promptID, fields: [
            ("prompt", .messages(prompt)), ("completion", .messages([.assistant(completion)])), ("label", .bool(label)),
        ])
    }

    /// A row of `format` made from a placeholder pair, for its column layout.
    static func layoutRow(_ format: PairFormat) -> PairRow {
        let completion = ScoredCompletion(completion: RatedCompletion(model: "", response: ""), score: 0, index: 0)
        let pair = PreferencePair(promptID: "", prompt: [.user("")], chosen: completion, rejected: completion)
        if format.takesSingleCompletions { return bestRow(promptID: "", prompt: pair.prompt, best: completion) }
        // KTO with thresholds is not needed here: its rows have the same columns.
        let builder = PairRowBuilder(unchecked: format)
        return format.isUnpaired ? builder.unpairedRow("", pair.prompt, "", true) : builder.pairedRow(pair)
    }

    private init(unchecked format: PairFormat) {
        self.format = format
        kto = .fromPairs
        score = .fineGrained
    }

    private static func bestRow(promptID: String, prompt: [ChatMessage], best: ScoredCompletion) -> PairRow {
        PairRow(promptID: promptID, fields: [("messages", .messages(prompt + [.assistant(best.completion.response)]))])
    }

    /// Why `record` gives no row in this format whatever its scores, or nil. The string-prompt
    /// formats (`trl-standard`, `kto-standard`) hold one user turn; a prompt with a system turn
    /// or earlier turns would lose them, so it is dropped and counted instead of cut.
    package func dropReason(for record: RatedRecord) -> DropReason? {
        guard format.hasStringPrompt else { return nil }
        let userTurns = record.messages.filter { $0.role == "user" }.count
        let otherTurns = record.messages.count - userTurns
        return userTurns > 1 || otherTurns > 0 ? .multiTurnInStandardFormat : nil
    }

    /// The prompt as one string: the last user turn, as ultrafeedback_binarized's `prompt` is.
    static func promptText(_ prompt: [ChatMessage]) -> String {
        prompt.last { $0.role == "user" }?.content ?? prompt.last?.content ?? ""
    }
}
