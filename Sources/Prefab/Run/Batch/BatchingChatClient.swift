import Foundation
import PrefabShards

/// The chat client of a batch endpoint during `prefab run`: answers from the response cache, and
/// for anything else either collects the call for the next batch (`collect`) or, once the batches
/// have answered everything they will (`final`), lets the pipeline go on as it would
/// synchronously, so records and rows come out as a synchronous run's.
///
/// A call whose batch attempts are used up (the endpoint's `retry.max_attempts`) fails with the
/// batches' last error, or, with `batch.fallback: sync`, is sent one by one. Calls a batch cannot
/// carry as one line (Anthropic with `n` > 1) are always sent one by one.
struct BatchingChatClient: ChatClient {
    enum Mode: Sendable {
        case collect(BatchCollector)
        case final
    }

    /// Thrown for a collected call: the prompt waits for the batch (nothing is written for it).
    struct Pending: Error, CustomStringConvertible {
        var description: String { "waiting for a batch" }
    }

    let endpoint: EndpointClient
    /// The endpoint's cached client, for calls sent one by one.
    let direct: any ChatClient
    let cache: ResponseCache
    let settings: BatchConfiguration
    /// `sample` or `judge`.
    let stage: String
    let mode: Mode
    /// Keys that failed in batches, with how often; read at the start of the round.
    let failures: [String: BatchRequestFailure]

    var identity: ModelIdentity { endpoint.identity }

    var contextWindow: Int? {
        get async { await direct.contextWindow }
    }

    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        let key = CacheKey.chat(request, identity: endpoint.identity)
        // Looked up outside the caller's task: when one call of a prompt is collected, the judge's
        // task group cancels its siblings, and a cancelled lookup would leave their calls for a
        // later round (more batches than needed). Uncancelled, every call of the round is seen.
        let cache = self.cache
        if let entry = try await Task(operation: { try await cache.lookup(key) }).value, entry.kind == "chat",
           var response = try? JSONDecoder().decode(ChatResponse.self, from: entry.payload) {
            response.cached = true
            return response
        }
        guard let (body, structured) = endpoint.batchBody(for: request) else {
            return try await direct.chat(request)
        }
        if let failure = failures[key], failure.failures >= endpoint.configuration.retry.maxAttempts {
            if settings.fallback == .sync { return try await direct.chat(request) }
            let name = endpoint.configuration.name
            let last = EndpointError.http(endpoint: name, status: failure.status ?? 500, message: "in a batch: \(failure.reason)")
            throw EndpointError.retriesExhausted(endpoint: name, attempts: failure.failures, last: last)
        }
        switch mode {
        case .collect(let collector):
            collector.add(
                endpoint: endpoint.configuration.name, stage: stage, key: key, body: body, structured: structured,
                anthropic: endpoint.speaksAnthropic, settings: settings)
            throw Pending()
        case .final:
            // Nothing should reach here (the rounds ended when nothing was missing); asking one
            // by one keeps a run correct even if a judge asks differently on a second look.
            return try await direct.chat(request)
        }
    }
}
