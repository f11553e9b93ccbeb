import Foundation
import PrefabShards

/// Answers a dry run's questions from the response cache alone: a chat client per endpoint that
/// returns what the cache holds and throws `CacheProbe.Miss` for anything else, counting every
/// call. With it, `--dry-run` runs the real sampler and the real judges over the cache, so the
/// calls it reports as cached are exactly those a run would not pay for.
final class CacheProbe: @unchecked Sendable {
    /// A call the cache cannot answer (a real run would make it).
    struct Miss: Error {}

    private let lock = NSLock()
    private var calls: [String: Int] = [:]

    /// Clients for `identities` (by endpoint name) answering from `cache` only.
    func clients(_ identities: [String: ModelIdentity], cache: ResponseCache) -> [String: any ChatClient] {
        var clients: [String: any ChatClient] = [:]
        for (name, identity) in identities {
            clients[name] = Counted(endpoint: name, base: CachedChatClient(NotCached(identity: identity), cache: cache), probe: self)
        }
        return clients
    }

    /// Calls made since the last `take()`, by endpoint; the tally starts again.
    func take() -> [String: Int] {
        lock.withLock {
            defer { calls = [:] }
            return calls
        }
    }

    private func count(_ endpoint: String) {
        lock.withLock { calls[endpoint, default: 0] += 1 }
    }

    /// What stands behind the cache: every call it reaches was not cached.
    private struct NotCached: ChatClient {
        let identity: ModelIdentity
        func chat(_ request: ChatRequest) async throws -> ChatResponse { throw Miss() }
    }

    private struct Counted: ChatClient {
        let endpoint: String
        let base: any ChatClient
        let probe: CacheProbe
        var identity: ModelIdentity { base.identity }

        func chat(_ request: ChatRequest) async throws -> ChatResponse {
            probe.count(endpoint)
            return try await base.chat(request)
        }
    }
}
