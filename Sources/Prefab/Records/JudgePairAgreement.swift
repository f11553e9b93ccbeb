/// How far two judges agree on the items both rated.
public struct JudgePairAgreement: Codable, Hashable, Sendable {
    public var first: String
    public var second: String
    /// Items (completion × aspect) both judges rated.
    public var items: Int
    /// Quadratic-weighted Cohen's kappa; nil when undefined.
    public var kappa: Double?
    /// Spearman's rank correlation; nil when undefined.
    public var spearman: Double?

    enum CodingKeys: String, CodingKey {
        case first, second, items
        case kappa = "kappa_quadratic"
        case spearman
    }
}
