/// A chat completion's result, whichever provider produced it.
public struct ChatResponse: Codable, Sendable, Hashable {
    /// The model the server says answered (may differ from the requested id, e.g. a dated version).
    public var model: String
    public var choices: [ChatChoice]
    public var usage: TokenUsage
    /// Seconds the successful HTTP exchange took (a cached response keeps its original latency).
    public var latency: Double
    /// The server's response id, when it gave one.
    public var id: String?
    /// True when this response came from the response cache instead of the network.
    public var cached: Bool

    public init(model: String, choices: [ChatChoice], usage: TokenUsage, latency: Double, id: String? = nil, cached: Bool = false) {
        self.model = model
        self.choices = choices
        self.usage = usage
        self.latency = latency
        self.id = id
        self.cached = cached
    }

    /// The first choice's text, for the common n = 1 case.
    public var text: String { choices.first?.text ?? "" }

    enum CodingKeys: String, CodingKey {
        case model, choices, usage, latency, id, cached
    }
}
