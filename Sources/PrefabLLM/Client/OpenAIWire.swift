import Foundation
import PrefabShards

/// Request bodies and response parsing for OpenAI-compatible servers.
enum OpenAIWire {
    static func chatBody(model: String, messages: [ChatMessage], parameters p: GenerationParameters) -> JSONValue {
        var body = p.extra ?? JSONObject()
        body["model"] = .string(model)
        body["messages"] = .array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) })
        if let value = p.temperature { body["temperature"] = .double(value) }
        if let value = p.topP { body["top_p"] = .double(value) }
        if let value = p.maxTokens { body["max_tokens"] = .int(Int64(value)) }
        if let value = p.n, value != 1 { body["n"] = .int(Int64(value)) }
        if let value = p.seed { body["seed"] = .int(Int64(value)) }
        if let value = p.stop, !value.isEmpty { body["stop"] = .array(value.map(JSONValue.string)) }
        if let value = p.topLogprobs {
            body["logprobs"] = .bool(true)
            body["top_logprobs"] = .int(Int64(value))
        } else if let value = p.logprobs {
            body["logprobs"] = .bool(value)
        }
        switch p.responseFormat {
        case nil, .text?:
            break
        case .jsonObject?:
            body["response_format"] = .object(["type": .string("json_object")])
        case .jsonSchema(let name, let schema, let strict)?:
            body["response_format"] = .object([
                "type": .string("json_schema"),
                "json_schema": .object(["name": .string(name), "schema": schema, "strict": .bool(strict)]),
            ])
        }
        return .object(body)
    }

    /// Reads a chat completion. One reader serves the direct call and the batch result line
    /// (which arrives already parsed), so the two can never read a response differently.
    static func parseChat(_ data: Data, requestedModel: String, latency: Double) throws -> ChatResponse {
        try parseChat(json: JSONValue(parsing: data), requestedModel: requestedModel, latency: latency)
    }

    static func parseChat(json: JSONValue, requestedModel: String, latency: Double) throws -> ChatResponse {
        guard let items = json["choices"]?.arrayValue else { throw WireError("missing field 'choices'") }
        func int(_ value: JSONValue?) -> Int? { value?.intValue.map { Int($0) } }
        let choices = try items.enumerated().map { position, choice in
            try ChatChoice(
                index: int(choice["index"]) ?? position,
                text: choice["message"]?.wireText("content", at: "choices[\(position)].message.content")
                    ?? choice.wireText("text", at: "choices[\(position)].text") ?? "",
                finishReason: choice["finish_reason"]?.stringValue.map(FinishReason.init(rawValue:)),
                logprobs: choice["logprobs"]?["content"]?.arrayValue?.map { entry in
                    TokenLogprob(
                        token: entry["token"]?.stringValue ?? "", logprob: entry["logprob"]?.doubleValue ?? 0,
                        topLogprobs: (entry["top_logprobs"]?.arrayValue ?? []).map {
                            .init(token: $0["token"]?.stringValue ?? "", logprob: $0["logprob"]?.doubleValue ?? 0)
                        })
                })
        }
        return ChatResponse(
            model: json["model"]?.stringValue ?? requestedModel,
            choices: choices.sorted { $0.index < $1.index },
            usage: TokenUsage(promptTokens: int(json["usage"]?["prompt_tokens"]) ?? 0, completionTokens: int(json["usage"]?["completion_tokens"]) ?? 0),
            latency: latency,
            id: json["id"]?.stringValue)
    }

    static func embeddingsBody(model: String, request: EmbeddingRequest) -> JSONValue {
        var body: JSONObject = [
            "model": .string(model),
            "input": .array(request.inputs.map(JSONValue.string)),
            "encoding_format": .string("float"),
        ]
        if let dimensions = request.dimensions { body["dimensions"] = .int(Int64(dimensions)) }
        return .object(body)
    }

    private struct Embeddings: Decodable {
        struct Item: Decodable {
            let index: Int?
            let embedding: [Double]
        }
        struct Usage: Decodable {
            let prompt_tokens: Int?
        }
        let model: String?
        let data: [Item]
        let usage: Usage?
    }

    static func parseEmbeddings(_ data: Data, requestedModel: String, expected: Int, latency: Double) throws -> EmbeddingResponse {
        let decoded = try JSONDecoder().decode(Embeddings.self, from: data)
        let ordered = decoded.data.enumerated().sorted { ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset) }
        guard ordered.count == expected else {
            throw WireError("expected \(expected) embeddings, got \(ordered.count)")
        }
        return EmbeddingResponse(
            model: decoded.model ?? requestedModel,
            embeddings: ordered.map(\.element.embedding),
            usage: TokenUsage(promptTokens: decoded.usage?.prompt_tokens ?? 0),
            latency: latency)
    }

    private struct Models: Decodable {
        struct Item: Decodable {
            let id: String
            let owned_by: String?
        }
        let data: [Item]
    }

    static func parseModels(_ data: Data) throws -> [ModelInfo] {
        try JSONDecoder().decode(Models.self, from: data).data.map { ModelInfo(id: $0.id, ownedBy: $0.owned_by) }
    }
}
