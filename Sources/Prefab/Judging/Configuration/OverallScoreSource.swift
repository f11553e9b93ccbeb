/// Where a completion's `overall_score` comes from.
public enum OverallScoreSource: String, Codable, Hashable, Sendable, CaseIterable {
    /// The fine-grained score (1–5).
    case fineGrainedMean = "fine_grained_mean"
    /// The aggregated rating of the ensemble's `kind: critique` rubric (1–10).
    case critique
    /// Pairwise ensembles: the share of comparisons won, ties counting half (0–1).
    case winRate = "win_rate"
}
