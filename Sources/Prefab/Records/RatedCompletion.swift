import PrefabShards

/// One candidate answer with its ratings: UltraFeedback's completion record plus Prefab's fields.
/// Fields other tools' records may leave out decode as empty (`@DefaultIfAbsent`).
public struct RatedCompletion: Codable, Hashable, Sendable {
    public var model: String
    @DefaultIfAbsent public var principle: String
    @DefaultIfAbsent public var customSystemPrompt: String
    public var response: String
    /// Aspect name (e.g. "helpfulness") → the ensemble's aggregated annotation.
    @DefaultIfAbsent public var annotations: [String: AspectAnnotation]
    @DefaultIfAbsent public var critique: String
    /// The configured overall score (for example the critique's 1–10), nil when unrated.
    public var overallScore: Double?
    /// Mean of the aspect ratings that could be read, nil when none could.
    public var fineGrainedScore: Double?

    // Prefab's own fields.
    public var finishReason: String?
    public var sampleIndex: Int?
    /// Scores from judges that give a number rather than an aspect rating (reward models,
    /// deterministic scorers), by judge name.
    @DefaultIfAbsent public var scores: [String: Double]
    /// Every individual vote behind `annotations` and `scores`.
    @DefaultIfAbsent public var votes: [JudgeVote]
    /// What generating the completion cost, when the samples said.
    public var usage: TokenUsage?
    /// The sampler's flags (`empty`, `truncated`) and the judge stage's own, e.g.
    /// `required_failed:correctness` when a required aspect failed and the overall score was
    /// set to the floor.
    @DefaultIfAbsent public var flags: [String]

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

}
