import PrefabShards

/// `POST /v1/messages`, Anthropic's Messages API: a top-level `system`, `messages`, a required
/// `max_tokens`, temperature, top_p, top_k, stop_sequences, and (for structured answers)
/// `output_format: {type: json_schema, schema}`. Requires the `anthropic-version` header.
enum AnthropicMessagesEndpoint: SimulatorEndpoint {
    static let path = "/v1/messages"

    static let errorStyle = APIError.Style.anthropic

    static func answer(_ request: SimulatorRequest, context: EndpointContext) throws(APIError) -> SimulatorReply {
        guard let version = request.header("anthropic-version"), !version.isEmpty else {
            throw APIError.invalid("anthropic-version: header is required")
        }
        let body = try RequestFields.body(request.body)
        let model = try RequestFields.string(body, "model", required: true)!
        guard let maxTokens = try RequestFields.int(body, "max_tokens", in: 1...1_000_000) else {
            throw APIError.invalid("max_tokens: Field required", param: "max_tokens")
        }
        let messages = try RequestFields.messages(body, roles: ["user", "assistant"])
        let system: String
        switch body["system"] {
        case nil, .null?: system = ""
        case let value?:
            guard let text = RequestFields.text(ofContent: value) else {
                throw APIError.invalid("system: Input should be a valid string or a list of text blocks", param: "system")
            }
            system = text
        }
        let temperature = try RequestFields.double(body, "temperature", in: 0...1)
        _ = try RequestFields.double(body, "top_p", in: 0...1)
        _ = try RequestFields.int(body, "top_k", in: 0...Int.max)
        let stops = try RequestFields.stopSequences(body, "stop_sequences", limit: 1024)
        if try RequestFields.bool(body, "stream") == true {
            throw APIError.invalid("prefab-sim does not support 'stream'.", param: "stream")
        }
        var format = AnswerComposer.Format.text
        if let outputFormat = body["output_format"], !outputFormat.isNull {
            guard outputFormat["type"]?.stringValue == "json_schema", let schema = outputFormat["schema"] else {
                throw APIError.invalid("output_format: expected {type: json_schema, schema}", param: "output_format")
            }
            format = .jsonSchema(schema)
        }

        var hasher = StableHasher(seed: context.configuration.seed)
        hasher.combine("messages")
        hasher.combine(model)
        hasher.combine(system)
        for message in messages {
            hasher.combine(message.role)
            hasher.combine(message.content)
        }
        hasher.combine(temperature ?? -1)
        let base = hasher.finalize()

        let prompt = messages.last { $0.role == "user" }?.content ?? system
        let composer = AnswerComposer(
            format: format, words: context.configuration.responseWords, maxTokens: maxTokens,
            stopSequences: stops, unparseable: context.unparseable && format.isStructured,
            ultraFeedback: context.ultraFeedbackAnswer(prompt: prompt, structured: format.isStructured)
        )
        if composer.unparseable { context.recorder.recordFault(FaultPlan.Action.unparseable.name) }
        let answer = composer.compose(text: TextGenerator(prompt: prompt), generator: EndpointContext.generator(base: base, choice: 0))
        let inputTokens = SimulatedTokenizer.count(system) + messages.reduce(0) { $0 + SimulatedTokenizer.count($1.content) }

        let stopReason: String
        let stopSequence: JSONValue
        switch answer.ending {
        case .natural: stopReason = "end_turn"; stopSequence = .null
        case .length: stopReason = "max_tokens"; stopSequence = .null
        case .stopSequence(let sequence): stopReason = "stop_sequence"; stopSequence = .string(sequence)
        }
        context.recorder.recordGeneration(
            model: model, promptTokens: inputTokens, completionTokens: answer.tokens,
            seeded: false, structured: format.isStructured
        )
        return .json(200, [
            "id": .string(context.identifier("msg_sim", hash: base)),
            "type": "message",
            "role": "assistant",
            "model": .string(model),
            "content": [["type": "text", "text": .string(answer.text)]],
            "stop_reason": .string(stopReason),
            "stop_sequence": stopSequence,
            "usage": ["input_tokens": .int(Int64(inputTokens)), "output_tokens": .int(Int64(answer.tokens))],
        ])
    }
}
