/// Which orders a pairwise judge sees a pair in.
public enum PairwiseOrders: String, Codable, Hashable, Sendable, CaseIterable {
    /// A/B and B/A: disagreeing orders count as a tie and as inconsistent.
    case both
    /// One seeded order per pair.
    case one
}
