import Foundation
import PrefabShards

/// The chat client of a batch endpoint during `prefab run`: answers from the response cache, and
/// for anything else either collects the call for the next batch (`collect`) or, once the batches
/// have answered everything they will (`final`), lets the pipeline go on as it would
/// synchronously, so records and rows come out as a synchronous run's.
///
/// A call whose batch attempts are used up (the endpoint's `retry.max_attempts`) fails with the
/// batches' last error, or, with `batch.fallback: sync`, is sent one by one. An Anthropic call
/// with `n` > 1 goes into the batch as `n` requests, one per answer.
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
        if let response = try await cached(key) { return response }
        let parameters = request.parameters.merged(over: endpoint.configuration.parameters)
        // As the dry run estimates a call: prompt text at about four characters a token, the
        // answer at its `max_tokens`.
        let estimate = TokenUsage(
            promptTokens: TokenEstimate.tokens(request.messages), completionTokens: parameters.maxTokens ?? RunEstimate.assumedMaxTokens)
        if endpoint.speaksAnthropic, let n = parameters.n, n > 1 {
            return try await choices(request, key: key, n: n, estimate: estimate)
        }
        guard let (body, structured) = endpoint.batchBody(for: request) else {
            return try await direct.chat(request)
        }
        if let answer = try await exhausted(key, request) { return answer }
        switch mode {
        case .collect(let collector):
            collector.add(
                endpoint: endpoint.configuration.name, stage: stage, key: key, body: body, structured: structured,
                anthropic: endpoint.speaksAnthropic, settings: settings, estimate: estimate)
            throw Pending()
        case .final:
            // Nothing should reach here (the rounds ended when nothing was missing); asking one
            // by one keeps a run correct even if a judge asks differently on a second look.
            return try await direct.chat(request)
        }
    }

    /// An Anthropic call with `n` > 1: each of its answers is its own batch request (the single
    /// call's body, under `CacheKey.chatChoice`), as the synchronous client makes `n` calls.
    /// Once all are in the cache they are gathered as that client gathers them and stored under
    /// the call's own key, where the streaming pass finds them.
    private func choices(_ request: ChatRequest, key: String, n: Int, estimate: TokenUsage) async throws -> ChatResponse {
        var single = request
        single.parameters.n = 1
        guard let (body, structured) = endpoint.batchBody(for: single) else { return try await direct.chat(request) }
        let keys = (0..<n).map { CacheKey.chatChoice(request, identity: endpoint.identity, choice: $0) }
        var answers: [ChatResponse] = []
        var missing: [String] = []
        for choice in keys {
            if let answer = try await cached(choice) { answers.append(answer) } else { missing.append(choice) }
        }
        if missing.isEmpty {
            var gathered = EndpointClient.gathered(answers)
            gathered.cached = false
            cache.store(key, ResponseCache.Entry(
                kind: "chat", model: gathered.model, payload: try JSONEncoder().encode(gathered), usage: gathered.usage, latency: 0))
            gathered.cached = true
            return gathered
        }
        for choice in missing {
            if let answer = try await exhausted(choice, request) { return answer }
        }
        switch mode {
        case .collect(let collector):
            for choice in missing {
                collector.add(
                    endpoint: endpoint.configuration.name, stage: stage, key: choice, body: body, structured: structured,
                    anthropic: true, settings: settings, estimate: estimate)
            }
            throw Pending()
        case .final:
            return try await direct.chat(request)
        }
    }

    /// The cached answer under `key`, if any.
    private func cached(_ key: String) async throws -> ChatResponse? {
        // Looked up outside the caller's task: when one call of a prompt is collected, the judge's
        // task group cancels its siblings, and a cancelled lookup would leave their calls for a
        // later round (more batches than needed). Uncancelled, every call of the round is seen.
        let cache = self.cache
        guard let entry = try await Task(operation: { try await cache.lookup(key) }).value, entry.kind == "chat",
              var response = try? JSONDecoder().decode(ChatResponse.self, from: entry.payload)
        else { return nil }
        response.cached = true
        return response
    }

    /// For a request whose batch attempts are used up: with `fallback: sync` the answer of the
    /// whole `request` sent one by one, else the batches' last error. Nil while attempts remain.
    private func exhausted(_ key: String, _ request: ChatRequest) async throws -> ChatResponse? {
        guard let failure = failures[key], failure.failures >= endpoint.configuration.retry.maxAttempts else { return nil }
        if settings.fallback == .sync { return try await direct.chat(request) }
        let name = endpoint.configuration.name
        let last = EndpointError.http(endpoint: name, status: failure.status ?? 500, message: "in a batch: \(failure.reason)")
        throw EndpointError.retriesExhausted(endpoint: name, attempts: failure.failures, last: last)
    }
}
