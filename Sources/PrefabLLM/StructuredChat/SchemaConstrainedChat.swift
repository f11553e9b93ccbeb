import Foundation
import PrefabShards

/// Chat with a JSON schema over any Prefab `ChatClient` (an `EndpointClient`, a
/// `CachedChatClient`): the one place a schema becomes `response_format: json_schema`, used by
/// the LLM judges (several choices, free-text fallback) and the cluster agent (one JSON answer,
/// through `StructuredChat`).
///
/// `strict` is off by default: OpenAI's strict mode refuses schemas with `maxLength`, which the
/// cluster agent uses to keep small models from rambling; llama.cpp, vLLM and SGLang constrain
/// decoding to the schema either way, and callers validate every answer themselves.
public struct SchemaConstrainedChat: StructuredChat {
    public let client: any ChatClient
    public var maxTokens: Int
    public var temperature: Double?
    public var strict: Bool
    /// Whether the schema is sent: always, never, or until the endpoint refuses it (`auto`).
    public var mode: StructuredOutputMode
    /// Shared by every copy of this value, so one refusal switches all of a judge's calls.
    private let support = SchemaSupport()

    public init(
        client: any ChatClient, maxTokens: Int = 2048, temperature: Double? = nil, strict: Bool = false,
        mode: StructuredOutputMode = .jsonSchema
    ) {
        self.client = client
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.strict = strict
        self.mode = mode
    }

    /// Sends `request` with `schema` as its response format (as `mode` says) and returns the whole
    /// response, every choice and finish reason included. In `auto` mode an HTTP 400/422 that is
    /// not a context overflow is taken for a refused schema: the endpoint is marked and the
    /// request asked again at once without it. `request`'s own response format is replaced.
    public func chat(_ request: ChatRequest, schemaName: String, schema: JSONValue) async throws -> ChatResponse {
        var useSchema: Bool
        switch mode {
        case .jsonSchema: useSchema = true
        case .none: useSchema = false
        case .auto: useSchema = await !support.isRefused
        }
        while true {
            var constrained = request
            constrained.parameters.responseFormat = useSchema ? .jsonSchema(name: schemaName, schema: schema, strict: strict) : nil
            do {
                return try await client.chat(constrained)
            } catch let error as EndpointError where useSchema && mode == .auto && Self.isSchemaRefusal(error) {
                await support.markRefused()
                useSchema = false
            }
        }
    }

    /// A 400 or 422 that is not about the context: how servers without structured output
    /// (older llama.cpp, some proxies) refuse `response_format`.
    static func isSchemaRefusal(_ error: EndpointError) -> Bool {
        guard !error.isContextOverflow, let status = error.status else { return false }
        return status == 400 || status == 422
    }

    public func respond(to request: StructuredChatRequest) async throws -> String {
        let schema = try JSONValue(parsing: request.schema)
        var messages: [ChatMessage] = []
        if let system = request.system { messages.append(.system(system)) }
        messages.append(.user(request.user))
        let parameters = GenerationParameters(temperature: temperature, maxTokens: maxTokens, n: 1, seed: request.seed)
        let response = try await chat(ChatRequest(messages: messages, parameters: parameters), schemaName: request.schemaName, schema: schema)
        if response.choices.first?.finishReason == .length { throw StructuredChatError.truncated }
        return response.text
    }
}
