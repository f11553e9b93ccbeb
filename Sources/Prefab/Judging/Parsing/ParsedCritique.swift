/// A critique judge's answer: feedback in words and an overall score (UltraFeedback's 1–10).
public struct ParsedCritique: Hashable, Sendable {
    public var critique: String
    public var score: Double

    public init(critique: String, score: Double) {
        self.critique = critique
        self.score = score
    }
}
