import Foundation

/// An embedding client that answers from the response cache when it can.
public struct CachedEmbeddingClient: EmbeddingClient {
    public let base: any EmbeddingClient
    public let cache: ResponseCache

    public init(_ base: any EmbeddingClient, cache: ResponseCache) {
        self.base = base
        self.cache = cache
    }

    public var identity: ModelIdentity { base.identity }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let key = CacheKey.embedding(request, identity: base.identity)
        if let entry = try await cache.lookup(key), entry.kind == "embedding",
           var response = try? JSONDecoder().decode(EmbeddingResponse.self, from: entry.payload) {
            response.cached = true
            return response
        }
        let response = try await base.embed(request)
        var stored = response
        stored.cached = false
        cache.store(key, ResponseCache.Entry(
            kind: "embedding", model: response.model, payload: try JSONEncoder().encode(stored),
            usage: response.usage, latency: response.latency))
        return response
    }
}
