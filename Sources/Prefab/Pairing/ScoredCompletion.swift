/// A completion with the score pairing decided on, and where it stood in its record.
public struct ScoredCompletion: Hashable, Sendable {
    public var completion: RatedCompletion
    public var score: Double
    /// Index in the rated record's `completions`.
    public var index: Int
}
