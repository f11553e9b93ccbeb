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
        var object: JSONObject = [
            "version": .int(version),
            "kind": .string("embedding"),
            "provider": .string(identity.provider),
            "base_url": .string(identity.baseURL),
            "model": .string(request.model ?? identity.model),
            "inputs": .array(request.inputs.map(JSONValue.string)),
        ]
        if let dimensions = request.dimensions { object["dimensions"] = .int(Int64(dimensions)) }
        return Digest.sha256Hex(object.canonicalBytes())
    }

    /// The bytes `chat` hashes.
    /// The key of a reward-model request: the body as sent, to `path` under `identity`.
    public static func rewardModel(_ body: JSONValue, path: String, identity: ModelIdentity) -> String {
        let object: JSONObject = [
            "version": .int(version),
            "kind": .string("reward_model"),
            "provider": .string(identity.provider),
            "base_url": .string(identity.baseURL),
            "path": .string(path),
            "body": body,
        ]
        return Digest.sha256Hex(object.canonicalBytes())
    }

    static func canonicalChat(_ request: ChatRequest, identity: ModelIdentity) -> [UInt8] {
        let parameters = request.parameters.merged(over: identity.defaults)
        let object: JSONObject = [
            "version": .int(version),
            "kind": .string("chat"),
            "provider": .string(identity.provider),
            "base_url": .string(identity.baseURL),
            "model": .string(request.model ?? identity.model),
            "messages": .array(request.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
            "parameters": canonical(parameters),
            "sample_index": .int(Int64(request.sampleIndex)),
        ]
        return object.canonicalBytes()
    }

    private static func canonical(_ p: GenerationParameters) -> JSONValue {
        var object = JSONObject()
        if let value = p.temperature { object["temperature"] = .double(value) }
        if let value = p.topP { object["top_p"] = .double(value) }
        if let value = p.maxTokens { object["max_tokens"] = .int(Int64(value)) }
        if let value = p.n { object["n"] = .int(Int64(value)) }
        if let value = p.seed { object["seed"] = .int(Int64(value)) }
        if let value = p.stop { object["stop"] = .array(value.map(JSONValue.string)) }
        if let value = p.logprobs { object["logprobs"] = .bool(value) }
        if let value = p.topLogprobs { object["top_logprobs"] = .int(Int64(value)) }
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
