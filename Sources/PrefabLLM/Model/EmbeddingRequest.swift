/// A request for embedding vectors (OpenAI-compatible `/v1/embeddings`).
public struct EmbeddingRequest: Codable, Sendable, Hashable {
    public var inputs: [String]
    /// Overrides the endpoint's model id.
    public var model: String?
    /// Requested vector length, for models that can shorten their output.
    public var dimensions: Int?

    public init(inputs: [String], model: String? = nil, dimensions: Int? = nil) {
        self.inputs = inputs
        self.model = model
        self.dimensions = dimensions
    }
}
