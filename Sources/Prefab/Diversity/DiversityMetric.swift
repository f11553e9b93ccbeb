/// The metrics `DiversityAnalyzer` can compute; raw values are the names the CLI's `--metrics`
/// takes.
public enum DiversityMetric: String, CaseIterable, Codable, Sendable {
    case distinct
    case selfRepetition = "self-repetition"
    case compression
    case homogenization
    case vendi
    case clusters
    case clusterAgent = "cluster-agent"

    /// The metrics that need no model: computed by default and in every run report.
    public static let cheap: [DiversityMetric] = [.distinct, .selfRepetition, .compression, .homogenization]
    /// The metrics that need an `EmbeddingProvider`.
    public static let embedding: [DiversityMetric] = [.vendi, .clusters]
}
