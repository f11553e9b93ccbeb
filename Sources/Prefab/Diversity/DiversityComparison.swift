import Foundation

/// How much more (or less) diverse a corpus is than a baseline, figure by figure.
package struct DiversityComparison: Sendable, Codable, Equatable {
    package let key: String
    package let baseline: Double?
    package let value: Double?
    /// How many times more diverse than the baseline, in the figure's own direction: above 1
    /// is more diverse, below 1 less. nil when a value is missing or the ratio is undefined
    /// (a zero denominator).
    package let factor: Double?
    /// true: more diverse than the baseline, false: less, nil: equal or not comparable.
    package let moreDiverse: Bool?

    package init(baseline: DiversityFigure?, candidate: DiversityFigure) {
        key = candidate.key
        self.baseline = baseline?.value
        value = candidate.value
        guard let old = baseline?.value, let new = candidate.value else {
            factor = nil
            moreDiverse = nil
            return
        }
        let (numerator, denominator) = candidate.higherIsMoreDiverse ? (new, old) : (old, new)
        factor = denominator > 0 && numerator >= 0 ? numerator / denominator : nil
        moreDiverse = numerator == denominator ? nil : numerator > denominator
    }

    /// Every figure of `candidate` against the same figure of `baseline`.
    package static func compare(_ candidate: DiversityReport, against baseline: DiversityReport) -> [DiversityComparison] {
        let reference = Dictionary(baseline.figures.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return candidate.figures.map { DiversityComparison(baseline: reference[$0.key], candidate: $0) }
    }

    /// "2.4× more diverse", "1.3× less diverse", "same", "more diverse" (no ratio), or "".
    package var summary: String {
        guard let moreDiverse else { return baseline != nil && value != nil ? "same" : "" }
        guard let factor, factor.isFinite, factor > 0 else { return moreDiverse ? "more diverse" : "less diverse" }
        return moreDiverse ? "\(Self.format(factor))× more diverse" : "\(Self.format(1 / factor))× less diverse"
    }

    /// Ratios with two decimals ("1.37"), whole numbers from 100 up, no trailing ".00".
    static func format(_ factor: Double) -> String {
        if factor >= 100 { return String(Int(factor.rounded())) }
        let text = String(format: "%.2f", factor)
        return text.hasSuffix(".00") ? String(text.dropLast(3)) : text
    }
}
