/// What identifies the model behind a client: everything that shapes its answers and nothing
/// secret. The response cache keys on it.
public struct ModelIdentity: Codable, Sendable, Hashable {
    /// The wire protocol: `openai-compatible`, `anthropic` or `local`.
    public var provider: String
    /// The base URL; `local` for the local server, whose port changes from run to run.
    public var baseURL: String
    public var model: String
    /// The endpoint's default generation parameters (a request's own values override them).
    public var defaults: GenerationParameters

    public init(provider: String, baseURL: String, model: String, defaults: GenerationParameters = GenerationParameters()) {
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.defaults = defaults
    }

    enum CodingKeys: String, CodingKey {
        case provider
        case baseURL = "base_url"
        case model, defaults
    }
}
