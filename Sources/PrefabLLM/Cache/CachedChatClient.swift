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

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        let key = CacheKey.chat(request, identity: base.identity)
        if let entry = try await cache.lookup(key), entry.kind == "chat",
           var response = try? JSONDecoder().decode(ChatResponse.self, from: entry.payload) {
            response.cached = true
            return response
        }
        let response = try await base.chat(request)
        var stored = response
        stored.cached = false
        cache.store(key, ResponseCache.Entry(
            kind: "chat", model: response.model, payload: try JSONEncoder().encode(stored),
            usage: response.usage, latency: response.latency))
        return response
    }
}
