/// One number of a `DiversityReport`, with the direction in which it means "more diverse".
public struct DiversityFigure: Sendable, Codable, Equatable {
    /// Stable name: `distinct-1` … `distinct-5`, `distinct-sum`, `self-repetition`,
    /// `compression-ratio`, `homogenization`, `vendi`, `clusters`, `cluster-agent`.
    public let key: String
    /// nil when the metric ran but produced no value (a cluster agent whose rounds were all
    /// discarded).
    public let value: Double?
    public let higherIsMoreDiverse: Bool
    /// Context that decides comparability (sample size, K, level…).
    public let detail: String
}
