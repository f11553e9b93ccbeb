/// What an ensemble rates: one prompt and its completions.
///
/// Decodes from a samples shard record (`SampleRecord`'s keys), and also reads the prompt's
/// `metadata` (world knowledge, `should_refuse`, `format`) when the record carries it.
public struct JudgeInput: Codable, Hashable, Sendable {
    /// One candidate answer.
    public struct Completion: Codable, Hashable, Sendable {
        public var model: String
        public var principle: String
        public var customSystemPrompt: String
        public var response: String
        public var finishReason: String?
        public var usage: TokenUsage?
        public var sampleIndex: Int?
        /// The sampler's flags (`empty`, `truncated`), carried to the rated completion.
        public var flags: [String]

        public init(
            model: String, principle: String = "", customSystemPrompt: String = "", response: String,
            finishReason: String? = nil, usage: TokenUsage? = nil, sampleIndex: Int? = nil, flags: [String] = []
        ) {
            self.model = model
            self.principle = principle
            self.customSystemPrompt = customSystemPrompt
            self.response = response
            self.finishReason = finishReason
            self.usage = usage
            self.sampleIndex = sampleIndex
            self.flags = flags
        }

        enum CodingKeys: String, CodingKey {
            case model, principle, response, usage, flags
            case customSystemPrompt = "custom_system_prompt"
            case finishReason = "finish_reason"
            case sampleIndex = "sample_index"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            model = try c.decode(String.self, forKey: .model)
            principle = try c.decodeIfPresent(String.self, forKey: .principle) ?? ""
            customSystemPrompt = try c.decodeIfPresent(String.self, forKey: .customSystemPrompt) ?? ""
            response = try c.decode(String.self, forKey: .response)
            finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
            usage = try c.decodeIfPresent(TokenUsage.self, forKey: .usage)
            sampleIndex = try c.decodeIfPresent(Int.self, forKey: .sampleIndex)
            flags = try c.decodeIfPresent([String].self, forKey: .flags) ?? []
        }
    }

    public var promptID: String
    public var source: String
    /// The prompt conversation, ending with the user's turn.
    public var messages: [ChatMessage]
    public var reference: String?
    /// The prompt's `metadata` object (empty when it had none).
    public var metadata: JSONObject
    public var completions: [Completion]

    public init(
        promptID: String, source: String = "", messages: [ChatMessage], reference: String? = nil,
        metadata: JSONObject = JSONObject(), completions: [Completion]
    ) {
        self.promptID = promptID
        self.source = source
        self.messages = messages
        self.reference = reference
        self.metadata = metadata
        self.completions = completions
    }

    /// A samples record (its prompt's metadata included).
    public init(_ sample: SampleRecord) {
        self.init(
            promptID: sample.promptID, source: sample.source, messages: sample.messages, reference: sample.reference,
            metadata: sample.metadata?.objectValue ?? JSONObject(),
            completions: sample.completions.map {
                Completion(
                    model: $0.model, principle: $0.principle, customSystemPrompt: $0.customSystemPrompt,
                    response: $0.response, finishReason: $0.finishReason, usage: $0.usage, sampleIndex: $0.sampleIndex,
                    flags: $0.flags.map(\.rawValue))
            })
    }

    /// The last user turn's text (UltraFeedback's `instruction`).
    public var instruction: String {
        messages.last { $0.role == "user" }?.content ?? ""
    }

    /// The turns before the last user turn.
    public var history: [ChatMessage] {
        guard let last = messages.lastIndex(where: { $0.role == "user" }) else { return [] }
        return Array(messages[..<last])
    }

    /// `metadata.world_knowledge`, when given as text.
    public var worldKnowledge: String? {
        if case .string(let text)? = metadata["world_knowledge"], !text.isEmpty { return text }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case promptID = "prompt_id"
        case source, messages, instruction, reference, metadata, completions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        promptID = try c.decode(String.self, forKey: .promptID)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
        if let messages = try c.decodeIfPresent([ChatMessage].self, forKey: .messages) {
            self.messages = messages
        } else {
            messages = [.user(try c.decode(String.self, forKey: .instruction))]
        }
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        metadata = try c.decodeIfPresent(JSONValue.self, forKey: .metadata)?.objectValue ?? JSONObject()
        completions = try c.decode([Completion].self, forKey: .completions)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(promptID, forKey: .promptID)
        try c.encode(source, forKey: .source)
        try c.encode(messages, forKey: .messages)
        try c.encode(instruction, forKey: .instruction)
        try c.encodeIfPresent(reference, forKey: .reference)
        if !metadata.isEmpty { try c.encode(JSONValue.object(metadata), forKey: .metadata) }
        try c.encode(completions, forKey: .completions)
    }
}
