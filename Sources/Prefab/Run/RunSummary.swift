/// What a `prefab run` session did, written as `run-summary.json` beside the outputs.
public struct RunSummary: Codable, Hashable, Sendable {
    public var output: String
    /// Valid, distinct prompts in the input (after its limit), less those prompt hygiene removed.
    public var prompts = 0
    /// Prompts in the output: resumed ones included.
    public var done = 0
    /// Of `done`, those finished by earlier sessions and taken from the journal.
    public var resumed = 0
    /// Prompts that failed in this session (listed in `failures.jsonl`; the next run retries them).
    public var failed = 0
    /// Prompts not finished because the run stopped (budget spent, interrupted, or an endpoint
    /// refusing every call); not failed: the next run asks for them.
    public var notFinished = 0
    public var stopReason: RunStopReason?
    public var failuresByKind: [String: Int] = [:]
    public var completions = 0
    public var pairs: PairingSummary?
    /// What this session spent, per endpoint and model (cached answers are free).
    public var usage: [UsageRecord] = []
    /// What the whole run spent, over all its sessions.
    public var runUsage: [UsageRecord] = []
    public var cacheHits = 0
    public var seconds = 0.0
    public var journal = ""
    public var report: String?
    /// Content hashes of what made the rows (prompts, config, judge files) and the Prefab version.
    public var provenance: RunProvenance?
    /// What prompt hygiene kept and removed, by reason; nil without a `hygiene:` block.
    public var hygiene: HygieneCounts?

    public init(output: String) {
        self.output = output
    }

    /// Every prompt is in the output.
    public var complete: Bool { done == prompts }

    enum CodingKeys: String, CodingKey {
        case output, prompts, done, resumed, failed
        case notFinished = "not_finished"
        case stopReason = "stop_reason"
        case failuresByKind = "failures_by_kind"
        case completions, pairs, usage
        case runUsage = "run_usage"
        case cacheHits = "cache_hits"
        case seconds, journal, report, provenance, hygiene
    }
}
