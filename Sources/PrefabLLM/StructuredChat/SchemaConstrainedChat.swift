import Foundation
import PrefabShards

/// The cluster agent's `StructuredChat` over any Prefab `ChatClient` (an `EndpointClient`, a
/// `CachedChatClient`): system and user message, the schema as `response_format: json_schema`,
/// the request's seed, and a token limit.
///
/// `strict` is off by default: OpenAI's strict mode refuses schemas with `maxLength`, which the
/// cluster agent uses to keep small models from rambling; llama.cpp, vLLM and SGLang constrain
/// decoding to the schema either way, and the cluster agent validates every answer itself.
public struct SchemaConstrainedChat: StructuredChat {
    public let client: any ChatClient
    public var maxTokens: Int
    public var temperature: Double?
    public var strict: Bool

    public init(client: any ChatClient, maxTokens: Int = 2048, temperature: Double? = nil, strict: Bool = false) {
        self.client = client
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.strict = strict
    }

    public func respond(to request: StructuredChatRequest) async throws -> String {
        let schema = try JSONValue(parsing: request.schema)
        var messages: [ChatMessage] = []
        if let system = request.system { messages.append(.system(system)) }
        messages.append(.user(request.user))
        let parameters = GenerationParameters(
            temperature: temperature, maxTokens: maxTokens, n: 1, seed: request.seed,
            responseFormat: .jsonSchema(name: request.schemaName, schema: schema, strict: strict))
        let response = try await client.chat(ChatRequest(messages: messages, parameters: parameters))
        if response.choices.first?.finishReason == .length { throw StructuredChatError.truncated }
        return response.text
    }
}
