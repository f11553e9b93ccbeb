/// One answer a pool model gave to a prompt, with everything needed to judge it, audit it and
/// reproduce it: which model, under which principle and system prompt, which sample of the
/// prompt it is, the request seed, and what the call cost.
public struct SampleCompletion: Codable, Hashable, Sendable {
    /// The pool model's name (from the pool config, not the server's model id).
    public var model: String
    /// The principle the system prompt came from (`helpfulness`, ...), or `none`.
    public var principle: String
    /// The principle's system prompt used for this answer, "" for `none`.
    public var customSystemPrompt: String
    public var response: String
    /// Why generation stopped (`stop`, `length`, ...); nil when the server did not say.
    public var finishReason: String?
    public var usage: TokenUsage
    /// Seconds the call took (a cached answer keeps its original latency).
    public var latency: Double
    /// The position of this sample among the prompt's planned samples (0-based). It keeps
    /// repeated requests (best-of-n) apart in the response cache and ties a failure to its slot.
    public var sampleIndex: Int
    /// The seed sent with the request, derived from the run seed, prompt id and sample index.
    public var seed: Int
    /// The model id the server reported, when it reported one.
    public var servedModel: String?
    /// True for the policy model's answer in on-policy mode.
    public var onPolicy: Bool
    /// Quality flags the judge and pairing stages may act on.
    public var flags: [CompletionFlag]

    public init(
        model: String, principle: String = "", customSystemPrompt: String = "", response: String,
        finishReason: String? = nil, usage: TokenUsage = TokenUsage(), latency: Double = 0,
        sampleIndex: Int, seed: Int = 0, servedModel: String? = nil, onPolicy: Bool = false,
        flags: [CompletionFlag]? = nil
    ) {
        self.model = model
        self.principle = principle
        self.customSystemPrompt = customSystemPrompt
        self.response = response
        self.finishReason = finishReason
        self.usage = usage
        self.latency = latency
        self.sampleIndex = sampleIndex
        self.seed = seed
        self.servedModel = servedModel
        self.onPolicy = onPolicy
        self.flags = flags ?? CompletionFlag.flags(response: response, finishReason: finishReason)
    }

    public var isEmpty: Bool { flags.contains(.empty) }
    public var isTruncated: Bool { flags.contains(.truncated) }

    enum CodingKeys: String, CodingKey {
        case model, principle, response, usage, latency, seed, flags
        case customSystemPrompt = "custom_system_prompt"
        case finishReason = "finish_reason"
        case sampleIndex = "sample_index"
        case servedModel = "served_model"
        case onPolicy = "on_policy"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        principle = try c.decodeIfPresent(String.self, forKey: .principle) ?? ""
        customSystemPrompt = try c.decodeIfPresent(String.self, forKey: .customSystemPrompt) ?? ""
        response = try c.decode(String.self, forKey: .response)
        finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
        usage = try c.decodeIfPresent(TokenUsage.self, forKey: .usage) ?? TokenUsage()
        latency = try c.decodeIfPresent(Double.self, forKey: .latency) ?? 0
        // Samples written elsewhere may not number their answers: `SampleRecord` then numbers
        // them by position.
        sampleIndex = try c.decodeIfPresent(Int.self, forKey: .sampleIndex) ?? -1
        seed = try c.decodeIfPresent(Int.self, forKey: .seed) ?? 0
        servedModel = try c.decodeIfPresent(String.self, forKey: .servedModel)
        onPolicy = try c.decodeIfPresent(Bool.self, forKey: .onPolicy) ?? false
        flags = try c.decodeIfPresent([CompletionFlag].self, forKey: .flags)
            ?? CompletionFlag.flags(response: response, finishReason: finishReason)
    }
}
