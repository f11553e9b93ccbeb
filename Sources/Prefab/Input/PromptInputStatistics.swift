/// What reading the prompts found: how many records, how many prompts came out, and what was
/// skipped and why.
public struct PromptInputStatistics: Sendable, Equatable {
    /// Records read (blank lines excluded).
    public var records = 0
    /// Valid, distinct prompts handed out.
    public var prompts = 0
    /// Records whose prompt_id was already handed out (sampled once).
    public var duplicates = 0
    /// Invalid records skipped (with `skipInvalid`), by problem kind.
    public var invalid: [String: Int] = [:]
    /// The first skipped records, with their location, for warnings (at most `keptWarnings`).
    public var warnings: [InvalidPrompt] = []

    public static let keptWarnings = 100

    public init() {}

    public var invalidCount: Int { invalid.values.reduce(0, +) }
}
