/// What `DiversityAnalyzer` measures and how. The defaults compute the cheap metrics only;
/// the embedding metrics need `embeddings`, the cluster agent needs `chat`.
public struct DiversityConfiguration: Sendable {
    public var metrics: [DiversityMetric] = DiversityMetric.cheap
    /// Seed of every random sample (homogenization, cluster sample).
    public var seed: UInt64 = 0
    /// zstd level for `CompressionRatio`.
    public var compressionLevel: Int = 3
    /// Documents sampled for `Homogenization`.
    public var homogenizationSampleSize: Int = 100
    /// Tokens of each document that `Homogenization` compares.
    public var homogenizationMaxTokens: Int = 512
    /// Cosine-similarity cut for `EmbeddingClusterCount`.
    public var clusterThreshold: Double = 0.8
    /// Most documents `EmbeddingClusterCount` clusters (its cost grows with the square).
    public var clusterSampleSize: Int = 1000
    /// Source of embeddings for `vendi` and `clusters`.
    public var embeddings: (any EmbeddingProvider)?
    /// Embedding batches in flight at once.
    public var embeddingConcurrency: Int = 4
    /// Model for `cluster-agent`.
    public var chat: (any StructuredChat)?
    public var clusterAgent = ClusterAgentConfiguration()

    public init(metrics: [DiversityMetric] = DiversityMetric.cheap) {
        self.metrics = metrics
    }
}
