/// Which wire protocol an endpoint speaks.
public enum ProviderKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// OpenAI's chat completions API as vLLM, SGLang, llama.cpp's server, Ollama and OpenAI serve it.
    case openAICompatible = "openai-compatible"
    /// Anthropic's Messages API.
    case anthropic
    /// The local llama.cpp server Prefab starts (its state file is `PrefabHome.localServerStatePath`),
    /// spoken to as OpenAI-compatible.
    case local

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch text.lowercased() {
        case "openai-compatible", "openai_compatible", "openai": self = .openAICompatible
        case "anthropic": self = .anthropic
        case "local": self = .local
        default:
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown provider '\(text)' (expected openai-compatible, anthropic or local)")
        }
    }
}
