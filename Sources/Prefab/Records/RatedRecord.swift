/// One prompt with its rated completions: the released UltraFeedback record schema, so existing
/// code reads it, plus Prefab's `prompt_id` and `messages`.
public struct RatedRecord: Codable, Hashable, Sendable, StageRecord {
    public var source: String
    /// The last user turn's text (UltraFeedback's `instruction`).
    public var instruction: String
    public var models: [String]
    public var completions: [RatedCompletion]
    public var promptID: String
    /// The whole prompt conversation (system and earlier turns included), without any answer.
    public var messages: [ChatMessage]
    /// The reference answer the judges were given, when the prompt had one.
    public var reference: String?
    /// The ensemble that rated the record (its file's `name`).
    public var ensemble: String?
    /// How far the ensemble's judges agreed on this record, their biases, failures and cost.
    public var agreement: AgreementFigures?
    /// `human` when a person's verdict in `prefab review` decides this record's pairs, else
    /// `judges`.
    public var labelSource: LabelSource = .judges

    public init(
        source: String, instruction: String, models: [String], completions: [RatedCompletion],
        promptID: String, messages: [ChatMessage], reference: String? = nil, ensemble: String? = nil,
        agreement: AgreementFigures? = nil
    ) {
        self.source = source
        self.instruction = instruction
        self.models = models
        self.completions = completions
        self.promptID = promptID
        self.messages = messages
        self.reference = reference
        self.ensemble = ensemble
        self.agreement = agreement
    }

    /// In the order of the MDS copy's columns (`StageRecord`).
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case promptID = "prompt_id"
        case source, instruction, messages, models, completions, reference, ensemble, agreement
        case labelSource = "label_source"
    }

    package static let stringKeys: Set<String> = ["prompt_id", "source", "instruction"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
        instruction = try c.decode(String.self, forKey: .instruction)
        completions = try c.decode([RatedCompletion].self, forKey: .completions)
        models = try c.decodeIfPresent([String].self, forKey: .models) ?? completions.map(\.model)
        messages = try c.decodeIfPresent([ChatMessage].self, forKey: .messages) ?? [.user(instruction)]
        promptID = try c.decodeIfPresent(String.self, forKey: .promptID) ?? PromptID.derive(from: instruction)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        ensemble = try c.decodeIfPresent(String.self, forKey: .ensemble)
        agreement = try c.decodeIfPresent(AgreementFigures.self, forKey: .agreement)
        labelSource = try c.decodeIfPresent(LabelSource.self, forKey: .labelSource) ?? .judges
    }

    /// Every key is written, absent values as null, so each record has the same columns (MDS
    /// shards need that).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(instruction, forKey: .instruction)
        try c.encode(models, forKey: .models)
        try c.encode(completions, forKey: .completions)
        try c.encode(promptID, forKey: .promptID)
        try c.encode(messages, forKey: .messages)
        try c.encode(reference, forKey: .reference)
        try c.encode(ensemble, forKey: .ensemble)
        try c.encode(agreement?.withoutCacheCounts, forKey: .agreement)
        try c.encode(labelSource, forKey: .labelSource)
    }
}
