/// What one seed of the cluster agent found: its criteria, its score, and an account of every
/// answer that could not be used.
public struct ClusterAgentSeedResult: Sendable, Codable, Equatable {
    public let seed: UInt64
    /// D for this seed: the mean of Cᵢ/Sᵢ over the scored rounds; nil when every round was
    /// discarded.
    public let score: Double?
    /// The consolidated criteria the clustering rounds used.
    public let criteria: [ClusterAgentCriterion]
    /// Cᵢ/Sᵢ of each scored round, in round order.
    public let roundScores: [Double]
    public let roundsScored: Int
    /// Rounds given up after the retries (never scored, never guessed).
    public let roundsDiscarded: Int
    /// Criteria proposals given up after the retries.
    public let proposalsDiscarded: Int
    /// Calls repeated because an answer was unusable.
    public let retries: Int
    /// Clusters the verification call judged invalid and removed before scoring.
    public let clustersRemoved: Int
    /// Unusable answers by reason (`malformed_json`, `missing_index`, `duplicate_index`, …).
    public let failures: [String: Int]
}
