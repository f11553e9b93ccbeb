/// A critique judge's answer: feedback in words and an overall score (UltraFeedback's 1–10).
package struct ParsedCritique: Hashable, Sendable {
    package var critique: String
    package var score: Double

}
