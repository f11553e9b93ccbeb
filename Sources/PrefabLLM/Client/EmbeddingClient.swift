/// Something that turns texts into embedding vectors.
public protocol EmbeddingClient: Sendable {
    var identity: ModelIdentity { get }

    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse
}
