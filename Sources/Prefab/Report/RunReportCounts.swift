/// How much each stage produced. A stage whose directory is absent leaves its counts nil, so
/// "not run" never reads as "produced nothing".
package struct RunReportCounts: Codable, Hashable, Sendable {
    /// Sample records (one per prompt).
    package var prompts: Int?
    /// Answers sampled, and planned samples that failed after their retries.
    package var completions: Int?
    package var sampleFailures: Int?
    /// Answers flagged `empty` or `truncated` by the sampler.
    package var emptyCompletions: Int?
    package var truncatedCompletions: Int?
    /// Rated records (prompts) and the completions in them.
    package var ratedPrompts: Int?
    package var ratedCompletions: Int?
    /// Prompts the judge stage could not rate (from `judge-report.json`).
    package var judgeFailures: Int?
    /// Rows per split ("train", "test") and prompts that gave no row, by reason.
    package var pairsBySplit: [String: Int]?
    package var droppedByReason: [String: Int]?
    /// Prompts that gave at least one row.
    package var promptsWithPairs: Int?

    package init() {}

    enum CodingKeys: String, CodingKey {
        case prompts, completions
        case sampleFailures = "sample_failures"
        case emptyCompletions = "empty_completions"
        case truncatedCompletions = "truncated_completions"
        case ratedPrompts = "rated_prompts"
        case ratedCompletions = "rated_completions"
        case judgeFailures = "judge_failures"
        case pairsBySplit = "pairs_by_split"
        case droppedByReason = "dropped_by_reason"
        case promptsWithPairs = "prompts_with_pairs"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prompts, forKey: .prompts)
        try c.encode(completions, forKey: .completions)
        try c.encode(sampleFailures, forKey: .sampleFailures)
        try c.encode(emptyCompletions, forKey: .emptyCompletions)
        try c.encode(truncatedCompletions, forKey: .truncatedCompletions)
        try c.encode(ratedPrompts, forKey: .ratedPrompts)
        try c.encode(ratedCompletions, forKey: .ratedCompletions)
        try c.encode(judgeFailures, forKey: .judgeFailures)
        try c.encode(pairsBySplit, forKey: .pairsBySplit)
        try c.encode(droppedByReason, forKey: .droppedByReason)
        try c.encode(promptsWithPairs, forKey: .promptsWithPairs)
    }
}
