import PrefabShards

/// The response cache's keys: lowercase hex SHA-256 of a canonical JSON rendering of everything
/// that shapes an answer (provider, base URL, model, messages, every generation parameter after
/// the endpoint's defaults are applied, the sample index) and nothing secret (no key, no headers).
///
/// Canonical means compact JSON with sorted keys and unset parameters left out, so the same
/// request always hashes the same on any machine. `version` changes if the rendering ever does.
public enum CacheKey {
    static let version: Int64 = 1

    /// The key of a chat request sent to `identity`.
    public static func chat(_ request: ChatRequest, identity: ModelIdentity) -> String {
        Digest.sha256Hex(canonicalChat(request, identity: identity))
    }

    /// The key of an embedding request sent to `identity`.
    public static func embedding(_ request: EmbeddingRequest, identity: ModelIdentity) -> String {
        var object: [String: JSONValue] = [
            "version": .integer(version),
            "kind": .string("embedding"),
            "provider": .string(identity.provider),
            "base_url": .string(identity.baseURL),
            "model": .string(request.model ?? identity.model),
            "inputs": .array(request.inputs.map(JSONValue.string)),
        ]
        if let dimensions = request.dimensions { object["dimensions"] = .integer(Int64(dimensions)) }
        return Digest.sha256Hex(JSONValue.object(object).serialized())
    }

    /// The bytes `chat` hashes.
    static func canonicalChat(_ request: ChatRequest, identity: ModelIdentity) -> [UInt8] {
        let parameters = request.parameters.merged(over: identity.defaults)
        let object: [String: JSONValue] = [
            "version": .integer(version),
            "kind": .string("chat"),
            "provider": .string(identity.provider),
            "base_url": .string(identity.baseURL),
            "model": .string(request.model ?? identity.model),
            "messages": .array(request.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
            "parameters": canonical(parameters),
            "sample_index": .integer(Int64(request.sampleIndex)),
        ]
        return JSONValue.object(object).serialized()
    }

    private static func canonical(_ p: GenerationParameters) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let value = p.temperature { object["temperature"] = .number(value) }
        if let value = p.topP { object["top_p"] = .number(value) }
        if let value = p.maxTokens { object["max_tokens"] = .integer(Int64(value)) }
        if let value = p.n { object["n"] = .integer(Int64(value)) }
        if let value = p.seed { object["seed"] = .integer(Int64(value)) }
        if let value = p.stop { object["stop"] = .array(value.map(JSONValue.string)) }
        if let value = p.logprobs { object["logprobs"] = .bool(value) }
        if let value = p.topLogprobs { object["top_logprobs"] = .integer(Int64(value)) }
        switch p.responseFormat {
        case nil: break
        case .text?: object["response_format"] = .object(["type": .string("text")])
        case .jsonObject?: object["response_format"] = .object(["type": .string("json_object")])
        case .jsonSchema(let name, let schema, let strict)?:
            object["response_format"] = .object([
                "type": .string("json_schema"), "name": .string(name), "schema": schema, "strict": .bool(strict),
            ])
        }
        if let extra = p.extra { object["extra"] = .object(extra) }
        return .object(object)
    }
}
