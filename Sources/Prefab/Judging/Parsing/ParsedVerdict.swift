/// A pairwise judge's answer: which of the two shown answers is better, and why.
package struct ParsedVerdict: Hashable, Sendable {
    package var verdict: PairwiseVerdict
    package var rationale: String

    package init(verdict: PairwiseVerdict, rationale: String = "") {
        self.verdict = verdict
        self.rationale = rationale
    }
}
