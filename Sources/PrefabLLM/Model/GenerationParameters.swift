import PrefabShards

/// Sampling parameters. Every field is optional: unset means "the endpoint's default, else the
/// server's". An endpoint's defaults and a request's own values combine with `merged(over:)`.
///
/// Coded with the providers' snake_case names (`top_p`, `max_tokens`, ...) so a YAML config
/// reads like the API it targets.
public struct GenerationParameters: Codable, Sendable, Hashable {
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// Choices per request. Anthropic has no `n`: its client makes n calls.
    public var n: Int?
    public var seed: Int?
    /// `stop: "###"` and `stop: ["###"]` both read.
    @OneOrMany public var stop: [String]?
    /// Return the chosen tokens' log-probabilities (OpenAI-compatible servers only).
    public var logprobs: Bool?
    /// Alternatives per position, 0–20; implies `logprobs`.
    public var topLogprobs: Int?
    public var responseFormat: ResponseFormat?
    /// Further body fields passed as they are to OpenAI-compatible servers (`top_k`,
    /// `repetition_penalty`, `min_p`, ...). They are part of the cache key.
    public var extra: JSONObject?

    public init(
        temperature: Double? = nil,
        topP: Double? = nil,
        maxTokens: Int? = nil,
        n: Int? = nil,
        seed: Int? = nil,
        stop: [String]? = nil,
        logprobs: Bool? = nil,
        topLogprobs: Int? = nil,
        responseFormat: ResponseFormat? = nil,
        extra: JSONObject? = nil
    ) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.n = n
        self.seed = seed
        self.stop = stop
        self.logprobs = logprobs
        self.topLogprobs = topLogprobs
        self.responseFormat = responseFormat
        self.extra = extra
    }

    /// These parameters, with each unset field taken from `defaults`. `extra` merges key by key.
    public func merged(over defaults: GenerationParameters) -> GenerationParameters {
        var extra = defaults.extra ?? JSONObject()
        for (key, value) in self.extra ?? JSONObject() { extra[key] = value }
        return GenerationParameters(
            temperature: temperature ?? defaults.temperature,
            topP: topP ?? defaults.topP,
            maxTokens: maxTokens ?? defaults.maxTokens,
            n: n ?? defaults.n,
            seed: seed ?? defaults.seed,
            stop: stop ?? defaults.stop,
            logprobs: logprobs ?? defaults.logprobs,
            topLogprobs: topLogprobs ?? defaults.topLogprobs,
            responseFormat: responseFormat ?? defaults.responseFormat,
            extra: extra.isEmpty ? nil : extra
        )
    }

    enum CodingKeys: String, CodingKey {
        case temperature
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case n, seed, stop, logprobs
        case topLogprobs = "top_logprobs"
        case responseFormat = "response_format"
        case extra
    }

}
