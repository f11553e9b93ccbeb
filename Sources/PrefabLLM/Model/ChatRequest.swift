/// A chat completion request in Prefab's provider-neutral form.
public struct ChatRequest: Codable, Sendable, Hashable {
    public var messages: [ChatMessage]
    /// Overrides the endpoint's model id for this request.
    public var model: String?
    /// Overrides the endpoint's default parameters, field by field.
    public var parameters: GenerationParameters
    /// Which of several samples of the same request this is. Never sent to the server; it keeps
    /// the cache entries of repeated identical requests (best-of-n by repetition) apart.
    public var sampleIndex: Int

    public init(
        messages: [ChatMessage],
        model: String? = nil,
        parameters: GenerationParameters = GenerationParameters(),
        sampleIndex: Int = 0
    ) {
        self.messages = messages
        self.model = model
        self.parameters = parameters
        self.sampleIndex = sampleIndex
    }

    enum CodingKeys: String, CodingKey {
        case messages, model, parameters
        case sampleIndex = "sample_index"
    }
}
