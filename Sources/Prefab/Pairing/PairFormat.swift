/// The row layouts Prefab writes pairs in. Each matches what its trainer documents, key for key.
public enum PairFormat: String, CaseIterable, Hashable, Sendable {
    /// ultrafeedback_binarized: prompt, prompt_id, chosen/rejected as message lists with the user
    /// turn, messages, score_chosen, score_rejected, plus margin, chosen_model, rejected_model.
    case h4
    /// TRL preference, conversational with explicit prompt: prompt (messages), chosen and
    /// rejected (assistant message lists).
    case trl
    /// TRL preference, standard with explicit prompt: prompt, chosen, rejected as strings.
    case trlStandard = "trl-standard"
    /// TRL unpaired preference (KTO), conversational: prompt (messages), completion (assistant
    /// message list), label.
    case kto
    /// TRL unpaired preference (KTO), standard: prompt, completion, label as string, string, bool.
    case ktoStandard = "kto-standard"
    /// Reward-model rows: chosen, rejected (whole conversations, implicit prompt) and margin.
    case rm
    /// SFT rows from best-of-n: messages (the prompt and the best answer).
    case sft

    public init(parsing text: String) throws(PairingError) {
        guard let format = PairFormat(rawValue: text) else {
            throw .unknownFormat(text, known: PairFormat.allCases.map(\.rawValue))
        }
        self = format
    }

    /// Column names and MDS encodings, in the order rows carry them.
    public var columns: [(name: String, encoding: String)] {
        switch self {
        case .h4:
            [("prompt", "str"), ("prompt_id", "str"), ("chosen", "json"), ("rejected", "json"), ("messages", "json"),
             ("score_chosen", "float64"), ("score_rejected", "float64"), ("margin", "float64"),
             ("chosen_model", "str"), ("rejected_model", "str"), ("label_source", "str")]
        case .trl: [("prompt", "json"), ("chosen", "json"), ("rejected", "json")]
        case .trlStandard: [("prompt", "str"), ("chosen", "str"), ("rejected", "str")]
        // MDS has no boolean encoding; a JSON `true`/`false` reads back as a Python bool.
        case .kto: [("prompt", "json"), ("completion", "json"), ("label", "json")]
        case .ktoStandard: [("prompt", "str"), ("completion", "str"), ("label", "json")]
        case .rm: [("chosen", "json"), ("rejected", "json"), ("margin", "float64")]
        case .sft: [("messages", "json")]
        }
    }

    /// Whether rows come from best-of-n selections rather than pairs.
    public var takesSingleCompletions: Bool { self == .sft }
    /// Whether the prompt column is one string (the user turn) rather than messages.
    public var hasStringPrompt: Bool { self == .trlStandard || self == .ktoStandard }
    /// Whether rows are unpaired (one completion and a label).
    public var isUnpaired: Bool { self == .kto || self == .ktoStandard }
}
