import PrefabShards

/// One prompt with every answer the sampler gathered for it: the record of a samples shard, and
/// what the judge stage reads.
///
/// A generation that failed after its retries is listed in `failures` with its reason instead of
/// being dropped or filled with an empty answer, so the judge stage never rates a hole and a
/// later resume knows exactly which samples to ask for again. `complete` says whether any are
/// missing.
public struct SampleRecord: Codable, Hashable, Sendable, StageRecord {
    public var promptID: String
    /// Where the prompt came from (the input's `source`), "" when it did not say.
    public var source: String
    /// The prompt conversation as the input gave it (without any principle's system prompt).
    public var messages: [ChatMessage]
    /// The last user turn's text (UltraFeedback's `instruction`).
    public var instruction: String
    /// A reference answer for verifiable prompts, when the input had one.
    public var reference: String?
    /// The input's `metadata` object, as it came.
    public var metadata: JSONValue?
    /// The models chosen for this prompt, one entry per planned sample, in sample-index order.
    public var models: [String]
    public var completions: [SampleCompletion]
    public var failures: [SampleFailure]

    public init(
        promptID: String, source: String = "", messages: [ChatMessage], instruction: String? = nil,
        reference: String? = nil, metadata: JSONValue? = nil, models: [String]? = nil,
        completions: [SampleCompletion], failures: [SampleFailure] = []
    ) {
        self.promptID = promptID
        self.source = source
        self.messages = messages
        self.instruction = instruction ?? messages.last { $0.role == "user" }?.content ?? ""
        self.reference = reference
        self.metadata = metadata
        self.models = models ?? completions.map(\.model)
        self.completions = completions
        self.failures = failures
    }

    /// True when every planned sample produced an answer (flagged answers count as answers).
    public var complete: Bool { failures.isEmpty }

    /// In the order of the MDS copy's columns (`StageRecord`).
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case promptID = "prompt_id"
        case source, instruction, messages, reference, metadata, models, completions, failures, complete
    }

    package static let stringKeys: Set<String> = ["prompt_id", "source", "instruction"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        promptID = try c.decode(String.self, forKey: .promptID)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
        // Samples written elsewhere may carry only the conversation or only the instruction.
        if let messages = try c.decodeIfPresent([ChatMessage].self, forKey: .messages) {
            self.messages = messages
            instruction = try c.decodeIfPresent(String.self, forKey: .instruction)
                ?? messages.last { $0.role == "user" }?.content ?? ""
        } else {
            instruction = try c.decode(String.self, forKey: .instruction)
            messages = [.user(instruction)]
        }
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        metadata = try c.decodeIfPresent(JSONValue.self, forKey: .metadata)
        completions = try c.decode([SampleCompletion].self, forKey: .completions)
        for index in completions.indices where completions[index].sampleIndex < 0 { completions[index].sampleIndex = index }
        failures = try c.decodeIfPresent([SampleFailure].self, forKey: .failures) ?? []
        models = try c.decodeIfPresent([String].self, forKey: .models) ?? completions.map(\.model)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(promptID, forKey: .promptID)
        try c.encode(source, forKey: .source)
        try c.encode(messages, forKey: .messages)
        try c.encode(instruction, forKey: .instruction)
        // Written as null when absent, so every record has every key (MDS columns are fixed).
        try c.encode(reference, forKey: .reference)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(models, forKey: .models)
        try c.encode(completions, forKey: .completions)
        try c.encode(failures, forKey: .failures)
        try c.encode(complete, forKey: .complete)
    }
}
