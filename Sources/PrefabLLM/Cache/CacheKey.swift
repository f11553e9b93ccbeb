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

    /// The key of answer `choice` (0..<n) of a chat request with `n` > 1 sent to an endpoint that
    /// makes one call per answer (Anthropic): a batch carries each answer as its own request under
    /// this key, and the whole answer is then stored under `chat(request, identity:)` as the
    /// synchronous call would store it. Distinct from the key of any request with one answer.
    public static func chatChoice(_ request: ChatRequest, identity: ModelIdentity, choice: Int) -> String {
        Digest.sha256Hex(canonicalChat(request, identity: identity, choice: choice))
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
        canonicalChat(request, identity: identity, choice: nil)
    }

    /// The canonical text of the object `referenceCanonicalChat` builds (plus `choice` when
    /// given), written straight into one buffer in sorted key order: the same bytes, without
    /// building the object and sorting its keys for every request (the batch writer makes a key
    /// per request, 100,000 and more a second).
    static func canonicalChat(_ request: ChatRequest, identity: ModelIdentity, choice: Int?) -> [UInt8] {
        let parameters = request.parameters.merged(over: identity.defaults)
        var out: [UInt8] = []
        out.reserveCapacity(256 + request.messages.reduce(0) { $0 + $1.content.utf8.count + 32 })
        func key(_ name: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":".utf8)
        }
        // Keys in code-point order: base_url, choice, kind, messages, model, parameters,
        // provider, sample_index, version.
        out.append(UInt8(ascii: "{"))
        key("base_url", first: true)
        CanonicalJSON.append(identity.baseURL, to: &out)
        if let choice {
            key("choice")
            CanonicalJSON.append(Int64(choice), to: &out)
        }
        key("kind")
        out.append(contentsOf: "\"chat\"".utf8)
        key("messages")
        out.append(UInt8(ascii: "["))
        for (index, message) in request.messages.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            key("content", first: true)
            CanonicalJSON.append(message.content, to: &out)
            key("role")
            CanonicalJSON.append(message.role, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        key("model")
        CanonicalJSON.append(request.model ?? identity.model, to: &out)
        key("parameters")
        appendParameters(parameters, to: &out)
        key("provider")
        CanonicalJSON.append(identity.provider, to: &out)
        key("sample_index")
        CanonicalJSON.append(Int64(request.sampleIndex), to: &out)
        key("version")
        CanonicalJSON.append(version, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `canonical(p)`'s text, in its sorted key order: extra, logprobs, max_tokens, n,
    /// response_format, seed, stop, temperature, top_logprobs, top_p.
    private static func appendParameters(_ p: GenerationParameters, to out: inout [UInt8]) {
        var first = true
        func key(_ name: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            CanonicalJSON.appendKey(name, to: &out)
        }
        // The integer and number fields, each written only when set.
        func integer(_ name: String, _ value: Int?) {
            guard let value else { return }
            key(name)
            CanonicalJSON.append(Int64(value), to: &out)
        }
        func number(_ name: String, _ value: Double?) {
            guard let value else { return }
            key(name)
            CanonicalJSON.append(value, to: &out)
        }
        out.append(UInt8(ascii: "{"))
        if let value = p.extra {
            key("extra")
            CanonicalJSON.append(.object(value), to: &out)
        }
        if let value = p.logprobs {
            key("logprobs")
            CanonicalJSON.append(value, to: &out)
        }
        integer("max_tokens", p.maxTokens)
        integer("n", p.n)
        switch p.responseFormat {
        case nil: break
        case .text?:
            key("response_format")
            out.append(contentsOf: "{\"type\":\"text\"}".utf8)
        case .jsonObject?:
            key("response_format")
            out.append(contentsOf: "{\"type\":\"json_object\"}".utf8)
        case .jsonSchema(let name, let schema, let strict)?:
            key("response_format")
            out.append(contentsOf: "{\"name\":".utf8)
            CanonicalJSON.append(name, to: &out)
            out.append(contentsOf: ",\"schema\":".utf8)
            CanonicalJSON.append(schema, to: &out)
            out.append(contentsOf: ",\"strict\":".utf8)
            CanonicalJSON.append(strict, to: &out)
            out.append(contentsOf: ",\"type\":\"json_schema\"}".utf8)
        }
        integer("seed", p.seed)
        if let value = p.stop {
            key("stop")
            CanonicalJSON.append(.array(value.map(JSONValue.string)), to: &out)
        }
        number("temperature", p.temperature)
        integer("top_logprobs", p.topLogprobs)
        number("top_p", p.topP)
        out.append(UInt8(ascii: "}"))
    }

    /// The object the key hashes, built as a JSON object: the definition `canonicalChat` must
    /// match byte for byte (tests hold them together; the batch benchmark times both).
    package static func referenceCanonicalChat(_ request: ChatRequest, identity: ModelIdentity, choice: Int? = nil) -> [UInt8] {
        var object = canonicalChatObject(request, identity: identity)
        if let choice { object["choice"] = .int(Int64(choice)) }
        return object.canonicalBytes()
    }

    private static func canonicalChatObject(_ request: ChatRequest, identity: ModelIdentity) -> JSONObject {
        let parameters = request.parameters.merged(over: identity.defaults)
        return [
            "version": .int(version),
            "kind": .string("chat"),
            "provider": .string(identity.provider),
            "base_url": .string(identity.baseURL),
            "model": .string(request.model ?? identity.model),
            "messages": .array(request.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
            "parameters": canonical(parameters),
            "sample_index": .int(Int64(request.sampleIndex)),
        ]
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
