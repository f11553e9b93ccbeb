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
}
