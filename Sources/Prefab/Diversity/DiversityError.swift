/// Everything that can stop a diversity measurement, each with a message that says what to fix.
public enum DiversityError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The corpus has no documents.
    case noDocuments
    /// The input could not be read: missing, corrupt, not JSON (the shard layer's message).
    case input(String)
    /// A directory with no shard files in it.
    case unsupportedFormat(path: String)
    /// A record lacks the field `--field` selects, or has it in an unexpected shape.
    /// `position` is "line N" (JSON Lines) or "sample N" (MDS).
    case missingField(path: String, position: String, field: String, expected: String)
    /// A metric needs something the configuration does not provide.
    case missingRequirement(metric: DiversityMetric, need: String)
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    case compressionFailed(String)
    case emptyEmbedding(index: Int)
    case embeddingDimensionMismatch(index: Int, expected: Int, found: Int)
    case nonFiniteEmbedding(index: Int)
    case zeroEmbedding(index: Int)
    /// The embedding endpoint returned a different number of vectors than texts sent.
    case embeddingCountMismatch(sent: Int, received: Int)
    case eigenvaluesDidNotConverge(dimension: Int)
    /// The cluster agent's sample size K is larger than the corpus.
    case tooFewDocuments(needed: Int, available: Int)
    /// No criteria round (or the merge of the proposals) produced usable JSON within the retries.
    case criteriaFailed(seed: UInt64, reason: String)

    public var description: String {
        switch self {
        case .noDocuments:
            "the corpus has no documents: check the path and --field"
        case .input(let message):
            message
        case .unsupportedFormat(let path):
            "\(path): no records here; give a JSON Lines file (.jsonl, .jsonl.zst), an MDS shard, or a dataset directory"
        case .missingField(let path, let position, let field, let expected):
            "\(path) \(position), field '\(field)': expected \(expected)"
        case .missingRequirement(let metric, let need):
            "metric '\(metric.rawValue)' needs \(need)"
        case .invalidConfiguration(let message):
            "invalid diversity configuration: \(message)"
        case .compressionFailed(let reason):
            "zstd could not compress the corpus: \(reason)"
        case .emptyEmbedding(let index):
            "embedding \(index) has no components"
        case .embeddingDimensionMismatch(let index, let expected, let found):
            "embedding \(index) has \(found) components, the first had \(expected): all must come from one model"
        case .nonFiniteEmbedding(let index):
            "embedding \(index) contains NaN or infinity"
        case .zeroEmbedding(let index):
            "embedding \(index) is all zeros, so it has no direction for cosine similarity"
        case .embeddingCountMismatch(let sent, let received):
            "the embedding endpoint returned \(received) vectors for \(sent) texts"
        case .eigenvaluesDidNotConverge(let dimension):
            "the eigenvalue iteration did not converge for a \(dimension)×\(dimension) matrix (non-finite input?)"
        case .tooFewDocuments(let needed, let available):
            "the cluster agent shows \(needed) documents per round but the corpus has \(available): lower K (--agent-k, or k in a run config's diversity.cluster_agent)"
        case .criteriaFailed(let seed, let reason):
            "cluster agent, seed \(seed): no usable criteria (\(reason))"
        }
    }
}
