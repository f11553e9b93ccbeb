/// What a sampling run produced: counts for the command's report and for the run report's
/// failure table.
public struct SamplingSummary: Sendable, Equatable {
    /// Prompts written (one record each).
    public var prompts = 0
    public var completions = 0
    /// Prompts with at least one failed sample, by prompt id (in input order).
    public var incompletePrompts: [String] = []
    /// Failed samples by kind (`http_status`, `transport`, ...).
    public var failures: [String: Int] = [:]
    /// Flagged answers by flag (`empty`, `truncated`).
    public var flagged: [String: Int] = [:]
    /// Completions per pool model.
    public var completionsPerModel: [String: Int] = [:]
    public var usage = TokenUsage()
    /// What the prompt reader found: duplicates, invalid records skipped.
    public var input = PromptInputStatistics()

    public init() {}

    public var failedSamples: Int { failures.values.reduce(0, +) }

    mutating func add(_ record: SampleRecord) {
        prompts += 1
        completions += record.completions.count
        if !record.complete { incompletePrompts.append(record.promptID) }
        for failure in record.failures { failures[failure.kind.rawValue, default: 0] += 1 }
        for completion in record.completions {
            completionsPerModel[completion.model, default: 0] += 1
            usage = usage + completion.usage
            for flag in completion.flags { flagged[flag.rawValue, default: 0] += 1 }
        }
    }
}
