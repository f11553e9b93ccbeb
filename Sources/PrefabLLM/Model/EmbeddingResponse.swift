/// Embedding vectors, one per input, in input order.
public struct EmbeddingResponse: Codable, Sendable, Hashable {
    public var model: String
    public var embeddings: [[Double]]
    public var usage: TokenUsage
    public var latency: Double
    public var cached: Bool = false

}
