import Foundation

/// A chat client that answers from the response cache when it can and stores what it fetches.
///
/// A hit makes no network call and costs nothing against the budget; the response comes back
/// with `cached = true` and its original latency and usage.
public struct CachedChatClient: ChatClient {
    public let base: any ChatClient
    public let cache: ResponseCache

    public init(_ base: any ChatClient, cache: ResponseCache) {
        self.base = base
        self.cache = cache
    }

    public var identity: ModelIdentity { base.identity }

    public var contextWindow: Int? {
        get async { await base.contextWindow }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        try await cache.answer(CacheKey.chat(request, identity: base.identity), kind: "chat") { try await base.chat(request) }
    }
}

/// An embedding client that answers from the response cache when it can, as `CachedChatClient`
/// does for chat.
public struct CachedEmbeddingClient: EmbeddingClient {
    public let base: any EmbeddingClient
    public let cache: ResponseCache

    public init(_ base: any EmbeddingClient, cache: ResponseCache) {
        self.base = base
        self.cache = cache
    }

    public var identity: ModelIdentity { base.identity }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await cache.answer(CacheKey.embedding(request, identity: base.identity), kind: "embedding") { try await base.embed(request) }
    }
}

/// A response the cache can keep: what it cost and how long it took are stored beside it, and
/// `cached` says whether this copy came from the cache.
protocol CacheableResponse: Codable, Sendable {
    var model: String { get }
    var usage: TokenUsage { get }
    var latency: Double { get }
    var cached: Bool { get set }
}

extension ChatResponse: CacheableResponse {}
extension EmbeddingResponse: CacheableResponse {}

extension ResponseCache {
    /// The stored answer for `key` (marked `cached`), or `fetch`'s, stored for next time. An entry
    /// of another kind, or one that no longer decodes, is fetched again.
    func answer<Response: CacheableResponse>(
        _ key: String, kind: String, fetch: () async throws -> Response
    ) async throws -> Response {
        if let entry = try await lookup(key), entry.kind == kind,
           var response = try? JSONDecoder().decode(Response.self, from: entry.payload) {
            response.cached = true
            return response
        }
        let response = try await fetch()
        var stored = response
        stored.cached = false
        store(key, Entry(kind: kind, model: response.model, payload: try JSONEncoder().encode(stored), usage: response.usage, latency: response.latency))
        return response
    }
}
