/// A pairwise judge's answer: which of the two shown answers is better, and why.
public struct ParsedVerdict: Hashable, Sendable {
    public var verdict: PairwiseVerdict
    public var rationale: String

    public init(verdict: PairwiseVerdict, rationale: String = "") {
        self.verdict = verdict
        self.rationale = rationale
    }
}
