/// Which pairs of completions a pairwise judge compares.
public enum PairSelection: String, Codable, Hashable, Sendable, CaseIterable {
    /// Every unordered pair: k(k−1)/2.
    case all
    /// Neighbours in a seeded order: k − 1 pairs, for large k.
    case adjacent
}
