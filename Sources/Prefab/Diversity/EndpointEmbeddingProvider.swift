/// An `EmbeddingProvider` over any Prefab `EmbeddingClient`: an OpenAI-compatible
/// `/v1/embeddings` endpoint (llama.cpp's server with `--embeddings`, vLLM, OpenAI), cached or not.
public struct EndpointEmbeddingProvider: EmbeddingProvider {
    public let client: any EmbeddingClient
    public let maximumBatchSize: Int
    /// Asks models that can shorten their vectors for this length.
    public var dimensions: Int?

    public init(client: any EmbeddingClient, batchSize: Int = 64, dimensions: Int? = nil) {
        self.client = client
        self.maximumBatchSize = max(1, batchSize)
        self.dimensions = dimensions
    }

    public var embeddingModelName: String { client.identity.model }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        let response = try await client.embed(EmbeddingRequest(inputs: texts, dimensions: dimensions))
        return response.embeddings.map { $0.map(Float.init) }
    }
}
