import PrefabShards

/// What a pairing run read, wrote and dropped: written beside the pairs as `pairs-summary.json`
/// and printed by `prefab pairs`, so lost prompts are visible by reason.
public struct PairingSummary: Codable, Hashable, Sendable {
    public var strategy: String
    public var format: String
    public var score: String
    public var minMargin: Double
    public var testRatio: Double
    public var seed: UInt64
    /// Rated records read.
    public var prompts = 0
    /// Prompts that gave at least one row.
    public var promptsWithRows = 0
    /// Rows written per split ("train", "test").
    public var rows: [String: Int] = [:]
    /// Prompts that gave no row, by reason.
    public var dropped: [String: Int] = [:]
    /// KTO with thresholds: scored completions between the two thresholds, left out.
    @DefaultIfAbsent public var unlabelled = 0
    /// Prompts whose rows a person decided (`prefab review`) rather than the judges' scores.
    @DefaultIfAbsent public var humanLabelled = 0

    enum CodingKeys: String, CodingKey {
        case strategy, format, score, seed, prompts, rows, dropped, unlabelled
        case minMargin = "min_margin"
        case testRatio = "test_ratio"
        case promptsWithRows = "prompts_with_rows"
        case humanLabelled = "human_labelled"
    }
}

