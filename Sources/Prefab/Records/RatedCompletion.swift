/// One candidate answer with its ratings: UltraFeedback's completion record plus Prefab's fields.
public struct RatedCompletion: Codable, Hashable, Sendable {
    public var model: String
    public var principle: String
    public var customSystemPrompt: String
    public var response: String
    /// Aspect name (e.g. "helpfulness") → the ensemble's aggregated annotation.
    public var annotations: [String: AspectAnnotation]
    public var critique: String
    /// The configured overall score (for example the critique's 1–10), nil when unrated.
    public var overallScore: Double?
    /// Mean of the aspect ratings that could be read, nil when none could.
    public var fineGrainedScore: Double?

    // Prefab's own fields.
    public var finishReason: String?
    public var sampleIndex: Int?
    /// Scores from judges that give a number rather than an aspect rating (reward models,
    /// deterministic scorers), by judge name.
    public var scores: [String: Double]
    /// Every individual vote behind `annotations` and `scores`.
    public var votes: [JudgeVote]
    /// What generating the completion cost, when the samples said.
    public var usage: TokenUsage?
    /// The sampler's flags (`empty`, `truncated`) and the judge stage's own, e.g.
    /// `required_failed:correctness` when a required aspect failed and the overall score was
    /// set to the floor.
    public var flags: [String]

    public init(
        model: String, principle: String = "", customSystemPrompt: String = "", response: String,
        annotations: [String: AspectAnnotation] = [:], critique: String = "", overallScore: Double? = nil,
        fineGrainedScore: Double? = nil, finishReason: String? = nil, sampleIndex: Int? = nil,
        scores: [String: Double] = [:], votes: [JudgeVote] = [], usage: TokenUsage? = nil, flags: [String] = []
    ) {
        self.model = model
        self.principle = principle
        self.customSystemPrompt = customSystemPrompt
        self.response = response
        self.annotations = annotations
        self.critique = critique
        self.overallScore = overallScore
        self.fineGrainedScore = fineGrainedScore
        self.finishReason = finishReason
        self.sampleIndex = sampleIndex
        self.scores = scores
        self.votes = votes
        self.usage = usage
        self.flags = flags
    }

    enum CodingKeys: String, CodingKey {
        case model, principle, response, annotations, critique, scores, votes, usage, flags
        case customSystemPrompt = "custom_system_prompt"
        case overallScore = "overall_score"
        case fineGrainedScore = "fine-grained_score"
        case finishReason = "finish_reason"
        case sampleIndex = "sample_index"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        principle = try c.decodeIfPresent(String.self, forKey: .principle) ?? ""
        customSystemPrompt = try c.decodeIfPresent(String.self, forKey: .customSystemPrompt) ?? ""
        response = try c.decode(String.self, forKey: .response)
        annotations = try c.decodeIfPresent([String: AspectAnnotation].self, forKey: .annotations) ?? [:]
        critique = try c.decodeIfPresent(String.self, forKey: .critique) ?? ""
        overallScore = try c.decodeIfPresent(Double.self, forKey: .overallScore)
        fineGrainedScore = try c.decodeIfPresent(Double.self, forKey: .fineGrainedScore)
        finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
        sampleIndex = try c.decodeIfPresent(Int.self, forKey: .sampleIndex)
        scores = try c.decodeIfPresent([String: Double].self, forKey: .scores) ?? [:]
        votes = try c.decodeIfPresent([JudgeVote].self, forKey: .votes) ?? []
        usage = try c.decodeIfPresent(TokenUsage.self, forKey: .usage)
        flags = try c.decodeIfPresent([String].self, forKey: .flags) ?? []
    }
}
