/// One number of a `DiversityReport`, with the direction in which it means "more diverse".
public struct DiversityFigure: Sendable, Codable, Equatable {
    /// Stable name: `distinct-1` … `distinct-5`, `distinct-sum`, `self-repetition`,
    /// `compression-ratio`, `homogenization`, `vendi`, `clusters`, `cluster-agent`.
    public let key: String
    /// nil when the metric ran but produced no value (a cluster agent whose rounds were all
    /// discarded).
    public let value: Double?
    /// Standard deviation over seeds, for figures that have one (the cluster agent).
    public let spread: Double?
    public let higherIsMoreDiverse: Bool
    /// A caveat about this corpus's value, shown beside it ("4 of 30 rounds discarded").
    public let note: String?
    /// Context that decides comparability (sample size, K, level…).
    public let detail: String

    public init(key: String, value: Double?, spread: Double? = nil, higherIsMoreDiverse: Bool, detail: String, note: String? = nil) {
        self.key = key
        self.value = value
        self.spread = spread
        self.higherIsMoreDiverse = higherIsMoreDiverse
        self.detail = detail
        self.note = note
    }

    /// The value as a table cell: "0.4123", "3.2 ± 0.1", "n/a" when there is none, then the
    /// note in parentheses.
    public var formatted: String {
        var text = value.map(DiversityTable.format) ?? "n/a"
        if let spread, value != nil { text += " ± \(DiversityTable.format(spread))" }
        if let note { text += " (\(note))" }
        return text
    }
}
