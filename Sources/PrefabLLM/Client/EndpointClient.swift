import Foundation
import PrefabShards
import Logging

/// A configured model endpoint: chat completions, embeddings and the model list over the shared
/// HTTP engine, with retries, pacing, accounting and a budget.
///
/// Errors and log lines name the endpoint, the status and the server's own message with the API
/// key scrubbed out; request headers and bodies are never logged.
public final class EndpointClient: ChatClient, EmbeddingClient {
    public let configuration: EndpointConfiguration
    public let identity: ModelIdentity
    /// Where this client's calls are counted; share one between clients for a run-wide budget.
    public let ledger: UsageLedger

    private enum Wire: Sendable {
        case openAI
        case anthropic
    }

    private let wire: Wire
    private let baseURL: String
    private let apiKey: APIKey?
    private let engine: HTTPEngine
    private let limiter: EndpointLimiter
    private let logger: Logger
    /// The server's context window, asked once (see `contextWindow`).
    private let serverContext = Locked<Task<Int?, Never>?>(nil)

    /// Resolves the configuration against the environment: the API key from `api_key_env`, and for
    /// `local` the running server's URL and model from its state file.
    public init(
        configuration: EndpointConfiguration,
        engine: HTTPEngine = .shared,
        ledger: UsageLedger = UsageLedger(),
        logger: Logger = Logger(label: "prefab.llm"),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EndpointError) {
        try configuration.validate()
        self.configuration = configuration
        self.engine = engine
        self.ledger = ledger
        self.limiter = EndpointLimiter(limits: configuration.limits)
        var logger = logger
        logger[metadataKey: "endpoint"] = "\(configuration.name)"
        self.logger = logger

        if let variable = configuration.apiKeyEnv {
            guard let key = environment[variable], !key.isEmpty else {
                throw .missingAPIKey(endpoint: configuration.name, variable: variable)
            }
            apiKey = APIKey(key)
        } else {
            apiKey = nil
        }

        switch configuration.provider {
        case .openAICompatible, .anthropic:
            wire = configuration.provider == .anthropic ? .anthropic : .openAI
            baseURL = Self.trimmed(configuration.baseURL ?? "")
            identity = ModelIdentity(
                provider: configuration.provider.rawValue, baseURL: baseURL,
                model: configuration.model ?? "", defaults: configuration.parameters)
        case .local:
            wire = .openAI
            let state = try LocalServerState.load(environment: environment)
            baseURL = Self.trimmed(configuration.baseURL ?? state.baseURL)
            // The port changes from run to run; the cache must not.
            identity = ModelIdentity(
                provider: ProviderKind.local.rawValue, baseURL: "local",
                model: configuration.model ?? state.model, defaults: configuration.parameters)
        }
    }

    /// Pacing figures: slots in use, the adaptive ceiling, 429s seen.
    public var limiterStatistics: LimiterStatistics { limiter.statistics }

    // MARK: Chat

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        let model = request.model ?? identity.model
        let parameters = request.parameters.merged(over: configuration.parameters)
        let n = max(1, parameters.n ?? 1)
        switch wire {
        case .openAI:
            let body = OpenAIWire.chatBody(model: model, messages: request.messages, parameters: parameters)
            return try await call(
                path: "/chat/completions", body: body, model: model,
                estimatedTokens: Self.estimateTokens(request.messages, parameters, n: n)
            ) { data, latency in
                try OpenAIWire.parseChat(data, requestedModel: model, latency: latency)
            }
        case .anthropic:
            let single = { var single = parameters; single.n = nil; return single }()
            let body: JSONValue
            do {
                body = try AnthropicWire.messagesBody(model: model, messages: request.messages, parameters: single)
            } catch {
                throw EndpointError.unsupported(endpoint: configuration.name, feature: error.description)
            }
            if n == 1 {
                return try await anthropicCall(body: body, model: model, request: request, parameters: single)
            }
            // Anthropic has no `n`: make n calls and gather their answers as choices 0..<n.
            let responses = try await withThrowingTaskGroup(of: (Int, ChatResponse).self) { group in
                for index in 0..<n {
                    group.addTask {
                        (index, try await self.anthropicCall(body: body, model: model, request: request, parameters: single))
                    }
                }
                var responses: [(Int, ChatResponse)] = []
                for try await response in group { responses.append(response) }
                return responses.sorted { $0.0 < $1.0 }.map(\.1)
            }
            return Self.gathered(responses)
        }
    }

    /// The answer of an Anthropic call with `n` > 1 made of its `n` single calls' answers (in
    /// order): their choices as choices 0..<n, their usage summed. A batch gathers its per-answer
    /// requests the same way, so both paths store the same response.
    package static func gathered(_ responses: [ChatResponse]) -> ChatResponse {
        ChatResponse(
            model: responses[0].model,
            choices: responses.enumerated().map { index, response in
                var choice = response.choices.first ?? ChatChoice(index: index, text: "", finishReason: nil)
                choice.index = index
                return choice
            },
            usage: responses.map(\.usage).reduce(TokenUsage(), +),
            latency: responses.map(\.latency).max() ?? 0,
            id: responses[0].id)
    }

    private func anthropicCall(body: JSONValue, model: String, request: ChatRequest, parameters: GenerationParameters) async throws -> ChatResponse {
        var extraHeaders: [String: String] = [:]
        if case .jsonSchema? = parameters.responseFormat {
            extraHeaders["anthropic-beta"] = AnthropicWire.structuredOutputsBeta
        }
        return try await call(
            path: "/messages", body: body, model: model, extraHeaders: extraHeaders,
            estimatedTokens: Self.estimateTokens(request.messages, parameters, n: 1)
        ) { data, latency in
            try AnthropicWire.parseMessage(data, requestedModel: model, latency: latency)
        }
    }

    // MARK: Batches

    /// What `chat(request)` would send, as one request of a batch: the body (the same bytes the
    /// synchronous call sends), and whether it needs Anthropic's structured-outputs beta. Nil
    /// for a request a batch cannot carry as one line (Anthropic with `n` > 1, whose answers are
    /// separate calls: the batch carries each answer as a request with `n` = 1, see
    /// `CacheKey.chatChoice`).
    package func batchBody(for request: ChatRequest) -> (body: JSONValue, structured: Bool)? {
        let model = request.model ?? identity.model
        let parameters = request.parameters.merged(over: configuration.parameters)
        switch wire {
        case .openAI:
            return (OpenAIWire.chatBody(model: model, messages: request.messages, parameters: parameters), false)
        case .anthropic:
            guard max(1, parameters.n ?? 1) == 1 else { return nil }
            var single = parameters
            single.n = nil
            guard let body = try? AnthropicWire.messagesBody(model: model, messages: request.messages, parameters: single) else { return nil }
            let structured = if case .jsonSchema? = single.responseFormat { true } else { false }
            return (body, structured)
        }
    }

    /// Whether this endpoint speaks Anthropic's API (Message Batches) rather than OpenAI's.
    package var speaksAnthropic: Bool { wire == .anthropic }

    /// One request to the provider's batch routes (`path` under the base URL, or a whole URL such
    /// as Anthropic's `results_url`), retried like any call while its failures are transient.
    /// Not counted in the ledger: a batch's requests are counted when it is submitted and when
    /// its results arrive. Returns the body of a 2xx answer; other statuses throw `EndpointError`.
    /// With `download`, a 2xx answer's body goes into that file as it arrives (and the returned
    /// data is empty), so a result file of any size never sits in memory.
    package func batchCall(
        _ method: HTTPRequest.Method, _ path: String, body: Data? = nil, contentType: String? = nil,
        extraHeaders: [String: String] = [:], timeout: Double? = nil, download: String? = nil
    ) async throws -> Data {
        let (data, _) = try await attempts(
            operation: path, model: identity.model, estimatedTokens: 0,
            makeRequest: {
                var request = self.request(method, path: path.hasPrefix("http") ? "" : path, body: body, extraHeaders: extraHeaders)
                if path.hasPrefix("http") { request.url = path }
                if let contentType { request.headers["Content-Type"] = contentType }
                if let timeout { request.timeout = max(request.timeout, timeout) }
                request.bodyFile = download
                return request
            },
            parse: { data, _ in (data, TokenUsage()) })
        return data
    }

    /// Counts a batch about to be submitted against the run's budget: its requests, and its
    /// estimated tokens and their cost at the endpoint's batch price. Throws `budgetExhausted`
    /// (and counts nothing) when the budget cannot pay for all of it.
    package func reserveBatch(requests: Int, estimate: TokenUsage) throws(EndpointError) {
        try ledger.reserveBatch(requests, estimate: estimate, endpoint: configuration.name, model: identity.model, price: configuration.price?.batch)
    }

    /// Replaces a collected batch's reserved `estimate` with the usage its results report (per
    /// answering model, at the batch price), and counts its failed requests.
    package func settleBatch(estimate: TokenUsage, actual: [String: TokenUsage], failures: Int) {
        ledger.settleBatch(
            estimate: estimate, endpoint: configuration.name, model: identity.model, actual: actual, failures: failures,
            price: configuration.price?.batch)
    }

    /// Reads a synchronous answer's body, as `chat` would, for a batch result.
    package func parseBatchAnswer(_ body: JSONValue, model: String) throws -> ChatResponse {
        switch wire {
        case .openAI: try OpenAIWire.parseChat(json: body, requestedModel: model, latency: 0)
        case .anthropic: try AnthropicWire.parseMessage(json: body, requestedModel: model, latency: 0)
        }
    }

    /// `text` with the API key taken out.
    package func scrubbed(_ text: String) -> String { scrub(text) }

    // MARK: Context window

    /// `context_window` from the configuration; else, for the local server (llama.cpp), the
    /// context a slot has as its `/props` reports it (`default_generation_settings.n_ctx`), asked
    /// once per client; else nil. Other servers are not asked: a run whose answers all come from
    /// the cache makes no request, and a paid API is not sent requests it does not serve.
    public var contextWindow: Int? {
        get async {
            if let configured = configuration.contextWindow { return configured }
            guard configuration.provider == .local else { return nil }
            let task = serverContext.withLock { task -> Task<Int?, Never> in
                if let task { return task }
                let asking = Task { await self.askServerContext() }
                task = asking
                return asking
            }
            return await task.value
        }
    }

    private func askServerContext() async -> Int? {
        // llama.cpp serves /props at its root, beside /v1.
        var root = baseURL
        if root.hasSuffix("/v1") { root.removeLast(3) }
        var request = self.request(.get, path: "", body: nil)
        request.url = root + "/props"
        guard let response = try? await engine.send(request), response.status == 200,
            let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let settings = object["default_generation_settings"] as? [String: Any],
            let context = settings["n_ctx"] as? Int, context > 0
        else { return nil }
        logger.debug("the server reports its context window", metadata: ["n_ctx": "\(context)"])
        return context
    }

    // MARK: Embeddings and models

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        guard wire == .openAI else {
            throw EndpointError.unsupported(endpoint: configuration.name, feature: "embeddings")
        }
        let model = request.model ?? identity.model
        let body = OpenAIWire.embeddingsBody(model: model, request: request)
        let estimate = request.inputs.reduce(0) { $0 + $1.utf8.count / 4 + 1 }
        return try await call(path: "/embeddings", body: body, model: model, estimatedTokens: estimate) { data, latency in
            try OpenAIWire.parseEmbeddings(data, requestedModel: model, expected: request.inputs.count, latency: latency)
        }
    }

    // MARK: Reward models

    /// POSTs `body` to `path` under the base URL (a reward model's scoring route) as one
    /// budgeted, paced, retried call, and returns the JSON answer. `EndpointRewardModel` is the
    /// `RewardModelClient` over this.
    public func score(_ body: JSONValue, path: String) async throws -> RewardModelResponse {
        let bytes = body.canonicalBytes()
        return try await call(path: path, body: body, model: identity.model, estimatedTokens: bytes.count / 4 + 1) { data, latency in
            let raw = String(decoding: data.prefix(4096), as: UTF8.self)
            guard let json = try? JSONValue(parsing: data) else {
                throw WireError("not JSON: \(raw.prefix(200))")
            }
            return RewardModelResponse(json: json, raw: raw, latency: latency)
        }
    }

    /// The models the server offers. Not counted against the budget.
    public func models() async throws -> [ModelInfo] {
        let wire = self.wire
        let (models, _) = try await attempts(
            operation: "models", model: identity.model, estimatedTokens: 0,
            makeRequest: { self.request(.get, path: "/models", body: nil) },
            parse: { data, _ in
                let models = try wire == .anthropic ? AnthropicWire.parseModels(data) : OpenAIWire.parseModels(data)
                return (models, TokenUsage())
            })
        return models
    }

    // MARK: Calls, retries, accounting

    /// One budgeted, paced, retried call whose response carries usage.
    private func call<Response: UsageCarrying>(
        path: String,
        body: JSONValue,
        model: String,
        extraHeaders: [String: String] = [:],
        estimatedTokens: Int,
        parse: @escaping @Sendable (Data, Double) throws -> Response
    ) async throws -> Response {
        try ledger.reserveRequest(endpoint: configuration.name, model: model)
        let bytes = Data(body.canonicalBytes())
        do {
            let (response, usage) = try await attempts(
                operation: path, model: model, estimatedTokens: estimatedTokens,
                makeRequest: { self.request(.post, path: path, body: bytes, extraHeaders: extraHeaders) },
                parse: { data, latency in
                    let response = try parse(data, latency)
                    return (response, response.tokenUsage)
                })
            ledger.recordSuccess(endpoint: configuration.name, model: model, usage: usage, price: configuration.price)
            return response
        } catch {
            ledger.recordFailure(endpoint: configuration.name, model: model)
            throw error
        }
    }

    /// Runs attempts until one succeeds, a failure is final, or the attempts run out.
    private func attempts<Value>(
        operation: String,
        model: String,
        estimatedTokens: Int,
        makeRequest: () -> HTTPRequest,
        parse: (Data, Double) throws -> (Value, TokenUsage)
    ) async throws -> (Value, TokenUsage) {
        let policy = configuration.retry
        var attempt = 0
        while true {
            attempt += 1
            let permit = try await limiter.acquire(estimatedTokens: estimatedTokens)
            let failure: EndpointError
            var retryAfter: Double?
            do {
                let response = try await engine.send(makeRequest())
                if (200..<300).contains(response.status) {
                    do {
                        let (value, usage) = try parse(response.body, response.totalTime)
                        limiter.release(permit, outcome: .success(tokens: usage.totalTokens))
                        return (value, usage)
                    } catch {
                        failure = .malformedResponse(endpoint: configuration.name, detail: scrub(Self.describe(error)))
                        limiter.release(permit, outcome: .failure)
                    }
                } else {
                    retryAfter = response.header("retry-after").flatMap { RetryAfter.seconds(from: $0) }
                    failure = .http(
                        endpoint: configuration.name, status: response.status,
                        message: scrub(ErrorMessage.extract(from: response.body)))
                    limiter.release(permit, outcome: response.status == 429 ? .throttled(retryAfter: retryAfter) : .failure)
                }
            } catch let error as TransportError {
                failure = .transport(endpoint: configuration.name, error)
                limiter.release(permit, outcome: .failure)
            } catch {
                limiter.release(permit, outcome: .failure)
                throw error
            }

            guard failure.isTransient else {
                logger.warning("call failed", metadata: [
                    "operation": "\(operation)", "model": "\(model)", "error": "\(failure)", "error_kind": "\(failure.logKind)",
                ])
                throw failure
            }
            guard attempt < policy.maxAttempts else {
                logger.warning("call failed after retries", metadata: [
                    "operation": "\(operation)", "model": "\(model)", "attempts": "\(attempt)", "error": "\(failure)",
                    "error_kind": "\(failure.logKind)",
                ])
                if policy.maxAttempts == 1 { throw failure }
                throw EndpointError.retriesExhausted(endpoint: configuration.name, attempts: attempt, last: failure)
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter)
            logger.notice("retrying after a transient failure", metadata: [
                "operation": "\(operation)", "model": "\(model)", "attempt": "\(attempt)",
                "delay_s": "\(String(format: "%.3f", delay))", "error": "\(failure)", "error_kind": "\(failure.logKind)",
            ])
            ledger.recordRetry(endpoint: configuration.name, model: model)
            if delay > 0 {
                try await Task.sleep(for: .milliseconds(Int64((delay * 1000).rounded(.up))))
            } else {
                try Task.checkCancellation()
            }
        }
    }

    private func request(_ method: HTTPRequest.Method, path: String, body: Data?, extraHeaders: [String: String] = [:]) -> HTTPRequest {
        var headers = configuration.headers
        headers["Accept"] = "application/json"
        if body != nil { headers["Content-Type"] = "application/json" }
        switch wire {
        case .openAI:
            if let apiKey { headers["Authorization"] = "Bearer \(apiKey.value)" }
        case .anthropic:
            if let apiKey { headers["x-api-key"] = apiKey.value }
            headers["anthropic-version"] = configuration.anthropicVersion
        }
        for (name, value) in extraHeaders { headers[name] = value }
        return HTTPRequest(
            method: method, url: url(path), headers: headers, body: body,
            connectTimeout: configuration.timeouts.connect, timeout: configuration.timeouts.request)
    }

    /// OpenAI-compatible base URLs include the version (`.../v1`); an Anthropic base URL may
    /// (`https://api.anthropic.com/v1`) or may not (`https://api.anthropic.com`).
    private func url(_ path: String) -> String {
        if wire == .anthropic, !baseURL.hasSuffix("/v1") {
            return baseURL + "/v1" + path
        }
        return baseURL + path
    }

    private func scrub(_ text: String) -> String {
        apiKey?.scrub(text) ?? text
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as JSONParseError:
            "not valid JSON (\(error))"
        case DecodingError.dataCorrupted(let context):
            "not valid JSON (\(context.debugDescription))"
        case DecodingError.keyNotFound(let key, let context):
            "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default:
            "\(error)"
        }
    }

    /// A rough token count for the token bucket, corrected once the real usage is known.
    private static func estimateTokens(_ messages: [ChatMessage], _ parameters: GenerationParameters, n: Int) -> Int {
        TokenEstimate.tokens(messages) + (parameters.maxTokens ?? 256) * n
    }
}
