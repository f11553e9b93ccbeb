import Foundation
import PrefabShards

/// Request bodies and response parsing for Anthropic's Messages API.
enum AnthropicWire {
    /// Anthropic requires `max_tokens`; this is used when neither request nor endpoint sets it.
    static let defaultMaxTokens = 4096
    /// The beta that enables `output_format` (structured outputs) on Anthropic's API.
    static let structuredOutputsBeta = "structured-outputs-2025-11-13"

    /// The body for one call (Anthropic has no `n`; the client makes n calls). `seed` and
    /// `logprobs` have no Anthropic equivalent and are not sent.
    static func messagesBody(model: String, messages: [ChatMessage], parameters p: GenerationParameters) throws(WireError) -> JSONValue {
        var body = p.extra ?? JSONObject()
        body["model"] = .string(model)
        body["max_tokens"] = .int(Int64(p.maxTokens ?? defaultMaxTokens))
        // System messages become the top-level `system` field.
        let system = messages.filter { $0.role == "system" }.map(\.content)
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        body["messages"] = .array(messages.filter { $0.role != "system" }.map {
            .object(["role": .string($0.role), "content": .string($0.content)])
        })
        if let value = p.temperature { body["temperature"] = .double(value) }
        if let value = p.topP { body["top_p"] = .double(value) }
        if let value = p.stop, !value.isEmpty { body["stop_sequences"] = .array(value.map(JSONValue.string)) }
        switch p.responseFormat {
        case nil, .text?:
            break
        case .jsonObject?:
            throw WireError("response_format json_object (give a json_schema instead)")
        case .jsonSchema(_, let schema, _)?:
            body["output_format"] = .object(["type": .string("json_schema"), "schema": schema])
        }
        return .object(body)
    }

    /// Reads a Messages API answer. One reader serves the direct call and the batch result line
    /// (which arrives already parsed), so the two can never read a response differently.
    static func parseMessage(_ data: Data, requestedModel: String, latency: Double) throws -> ChatResponse {
        try parseMessage(json: JSONValue(parsing: data), requestedModel: requestedModel, latency: latency)
    }

    static func parseMessage(json: JSONValue, requestedModel: String, latency: Double) throws -> ChatResponse {
        guard let blocks = json["content"]?.arrayValue else { throw WireError("missing field 'content'") }
        let text = try blocks.enumerated().filter { $0.element["type"]?.stringValue == "text" }
            .compactMap { try $0.element.wireText("text", at: "content[\($0.offset)].text") }.joined()
        func int(_ value: JSONValue?) -> Int? { value?.intValue.map { Int($0) } }
        return ChatResponse(
            model: json["model"]?.stringValue ?? requestedModel,
            choices: [ChatChoice(index: 0, text: text, finishReason: json["stop_reason"]?.stringValue.map(FinishReason.fromAnthropic))],
            usage: TokenUsage(promptTokens: int(json["usage"]?["input_tokens"]) ?? 0, completionTokens: int(json["usage"]?["output_tokens"]) ?? 0),
            latency: latency,
            id: json["id"]?.stringValue)
    }

    private struct Models: Decodable {
        struct Item: Decodable {
            let id: String
        }
        let data: [Item]
    }

    static func parseModels(_ data: Data) throws -> [ModelInfo] {
        try JSONDecoder().decode(Models.self, from: data).data.map { ModelInfo(id: $0.id, ownedBy: "anthropic") }
    }
}
