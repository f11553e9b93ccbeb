import Foundation

/// One model endpoint as a config file describes it.
///
/// Coded with snake_case keys (`base_url`, `api_key_env`, ...) so it reads straight from YAML or
/// JSON; every field but `name` and `provider` has a default. The API key is never part of it:
/// `api_key_env` names the environment variable that holds it.
public struct EndpointConfiguration: Codable, Sendable, Hashable {
    public var name: String
    public var provider: ProviderKind
    /// e.g. `https://api.openai.com/v1`, `http://127.0.0.1:8000/v1`, `https://api.anthropic.com/v1`.
    /// Optional for `local` (the state file gives it).
    public var baseURL: String?
    /// The model id sent to the server. Optional for `local`.
    public var model: String?
    /// Default generation parameters; a request's own values override them.
    public var parameters: GenerationParameters
    /// Name of the environment variable that holds the API key; nil for servers without auth.
    public var apiKeyEnv: String?
    /// Extra request headers (not credentials: those come only from `api_key_env`).
    public var headers: [String: String]
    public var limits: EndpointLimits
    public var price: Price?
    public var timeouts: Timeouts
    public var retry: RetryPolicy
    /// The `anthropic-version` header for Anthropic endpoints.
    public var anthropicVersion: String
    /// The most tokens one request may hold, prompt and answer together, when the server does
    /// not say (`context_window`). Judges split a multi-mode call that would not fit into smaller
    /// groups. Nil: for `local`, asked of the server (llama.cpp's `/props`); else unknown.
    public var contextWindow: Int?
    /// Send calls through the provider's batch API (`batch:`); nil or `enabled: false` calls one by one.
    public var batch: BatchConfiguration?

    public init(
        name: String,
        provider: ProviderKind,
        baseURL: String? = nil,
        model: String? = nil,
        parameters: GenerationParameters = GenerationParameters(),
        apiKeyEnv: String? = nil,
        headers: [String: String] = [:],
        limits: EndpointLimits = EndpointLimits(),
        price: Price? = nil,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        anthropicVersion: String = "2023-06-01",
        contextWindow: Int? = nil,
        batch: BatchConfiguration? = nil
    ) {
        self.name = name
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.parameters = parameters
        self.apiKeyEnv = apiKeyEnv
        self.headers = headers
        self.limits = limits
        self.price = price
        self.timeouts = timeouts
        self.retry = retry
        self.anthropicVersion = anthropicVersion
        self.contextWindow = contextWindow
        self.batch = batch
    }

    /// The batch settings when this endpoint's calls go through a batch API.
    public var batching: BatchConfiguration? {
        guard let batch, batch.enabled, provider != .local else { return nil }
        return batch
    }

    enum CodingKeys: String, CodingKey {
        case name, provider
        case baseURL = "base_url"
        case model, parameters
        case apiKeyEnv = "api_key_env"
        case headers, limits, price, timeouts, retry
        case anthropicVersion = "anthropic_version"
        case contextWindow = "context_window"
        case batch
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        provider = try container.decode(ProviderKind.self, forKey: .provider)
        baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        parameters = try container.decodeIfPresent(GenerationParameters.self, forKey: .parameters) ?? GenerationParameters()
        apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv)
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        limits = try container.decodeIfPresent(EndpointLimits.self, forKey: .limits) ?? EndpointLimits()
        price = try container.decodeIfPresent(Price.self, forKey: .price)
        timeouts = try container.decodeIfPresent(Timeouts.self, forKey: .timeouts) ?? Timeouts()
        retry = try container.decodeIfPresent(RetryPolicy.self, forKey: .retry) ?? RetryPolicy()
        anthropicVersion = try container.decodeIfPresent(String.self, forKey: .anthropicVersion) ?? "2023-06-01"
        contextWindow = try container.decodeIfPresent(Int.self, forKey: .contextWindow)
        batch = try container.decodeIfPresent(BatchConfiguration.self, forKey: .batch)
    }

    /// Header names that carry credentials; they must come from `api_key_env`, never a config.
    static let credentialHeaders: Set<String> = ["authorization", "x-api-key", "api-key", "proxy-authorization"]

    /// Checks the fields that do not depend on the environment.
    public func validate() throws(EndpointError) {
        func fail(_ message: String) -> EndpointError { .invalidConfiguration(endpoint: name, message: message) }
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalidConfiguration(endpoint: "(unnamed)", message: "name: must not be empty")
        }
        if provider != .local {
            guard let baseURL, !baseURL.isEmpty else { throw fail("base_url: required for provider \(provider.rawValue)") }
            guard let model, !model.isEmpty else { throw fail("model: required for provider \(provider.rawValue)") }
        }
        if let baseURL, !(baseURL.lowercased().hasPrefix("http://") || baseURL.lowercased().hasPrefix("https://")) {
            throw fail("base_url: '\(baseURL)' must start with http:// or https://")
        }
        if let apiKeyEnv, apiKeyEnv.isEmpty || apiKeyEnv.contains(where: { $0 == "=" || $0.isWhitespace }) {
            throw fail("api_key_env: must be the NAME of an environment variable, e.g. OPENAI_API_KEY")
        }
        for header in headers.keys where Self.credentialHeaders.contains(header.lowercased()) {
            throw fail("headers: '\(header)' carries a credential; put the key in an environment variable and name it in api_key_env")
        }
        if limits.maxConcurrent < 1 { throw fail("limits.max_concurrent: must be at least 1") }
        if let rpm = limits.requestsPerMinute, !(rpm > 0) { throw fail("limits.requests_per_minute: must be positive") }
        if let tpm = limits.tokensPerMinute, !(tpm > 0) { throw fail("limits.tokens_per_minute: must be positive") }
        if retry.maxAttempts < 1 { throw fail("retry.max_attempts: must be at least 1") }
        if !(timeouts.request > 0) || !(timeouts.connect > 0) { throw fail("timeouts: must be positive") }
        if let problem = batch?.problem() { throw fail(problem) }
        if batch?.enabled == true, provider == .local {
            throw fail("batch: the local server has no batch API; remove the batch block or set enabled: false")
        }
        if let contextWindow, contextWindow < 1 { throw fail("context_window: must be a positive number of tokens, got \(contextWindow)") }
    }
}
