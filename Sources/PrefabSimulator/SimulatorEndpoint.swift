/// One `POST` route of the simulated API (chat completions, Anthropic messages, embeddings).
///
/// An endpoint only says how it answers a well-formed request; a request it rejects throws an
/// `APIError`, and `reply(to:context:)`, the same for every endpoint, turns that into the error
/// body of the endpoint's API (`errorStyle`). The engine routes by `path` through `simulatorEndpoints`,
/// so a new endpoint is listed once.
protocol SimulatorEndpoint {
    /// The route, e.g. `/v1/chat/completions`.
    static var path: String { get }
    /// The shape of this endpoint's error answers, and of the faults injected on its path.
    static var errorStyle: APIError.Style { get }
    /// The answer to `request`, or the error that rejects it.
    static func answer(_ request: SimulatorRequest, context: EndpointContext) throws(APIError) -> SimulatorReply
}

extension SimulatorEndpoint {
    static var errorStyle: APIError.Style { .openAI }

    /// The answer, or the rejection as the client's API writes it.
    static func reply(to request: SimulatorRequest, context: EndpointContext) -> SimulatorReply {
        do {
            return try answer(request, context: context)
        } catch {
            return error.reply(style: errorStyle)
        }
    }
}

/// Every endpoint the engine serves.
var simulatorEndpoints: [any SimulatorEndpoint.Type] {
    [ChatCompletionsEndpoint.self, AnthropicMessagesEndpoint.self, EmbeddingsEndpoint.self]
}
