import Foundation
import PrefabShards

/// `POST /v1/chat/completions`, OpenAI's shape: messages, model, temperature, top_p,
/// max_tokens / max_completion_tokens, n, seed, stop, logprobs / top_logprobs and
/// response_format (text, json_object, json_schema).
///
/// The text of choice i depends only on the simulator's seed, the model, the messages, the
/// request's seed and temperature, and i: the same request gives the same choices.
enum ChatCompletionsEndpoint: SimulatorEndpoint {
    static let path = "/v1/chat/completions"

    static func answer(_ request: SimulatorRequest, context: EndpointContext) throws(APIError) -> SimulatorReply {
        let body = try RequestFields.body(request.body)
        let model = try RequestFields.string(body, "model", required: true)!
        let messages = try RequestFields.messages(body, roles: ["system", "developer", "user", "assistant", "tool", "function"])
        let temperature = try RequestFields.double(body, "temperature", in: 0...2)
        _ = try RequestFields.double(body, "top_p", in: 0...1)
        let n = try RequestFields.int(body, "n", in: 1...128) ?? 1
        let maxCompletionTokens = try RequestFields.int(body, "max_completion_tokens", in: 1...1_000_000)
        let legacyMaxTokens = try RequestFields.int(body, "max_tokens", in: 1...1_000_000)
        let maxTokens = maxCompletionTokens ?? legacyMaxTokens
        let seed = try RequestFields.int(body, "seed", in: Int.min...Int.max)
        let stops = try RequestFields.stopSequences(body, "stop", limit: 4)
        let logprobs = try RequestFields.bool(body, "logprobs") ?? false
        let topLogprobs = try RequestFields.int(body, "top_logprobs", in: 0...20)
        if topLogprobs != nil, !logprobs {
            throw APIError.invalid("'top_logprobs' requires 'logprobs' to be true.", param: "top_logprobs")
        }
        if try RequestFields.bool(body, "stream") == true {
            throw APIError.invalid("prefab-sim does not support 'stream'.", param: "stream")
        }
        let format = try responseFormat(body)
        if let window = context.configuration.contextWindow {
            let needed = messages.reduce(0) { $0 + SimulatedTokenizer.count($1.content) } + (maxTokens ?? 0)
            if needed > window {
                // llama.cpp's answer (its message and type) to a request beyond a slot's context.
                throw APIError(
                    400, "request (\(needed) tokens) exceeds the available context size (\(window) tokens), try increasing it",
                    code: "exceed_context_size_error")
            }
        }

        var hasher = StableHasher(seed: context.configuration.seed)
        hasher.combine("chat")
        hasher.combine(model)
        for message in messages {
            hasher.combine(message.role)
            hasher.combine(message.content)
        }
        hasher.combine(seed.map { UInt64(bitPattern: Int64($0)) &+ 1 } ?? 0)
        hasher.combine(temperature ?? -1)
        let base = hasher.finalize()

        let prompt = messages.last { $0.role == "user" }?.content ?? messages.map(\.content).joined(separator: " ")
        let textGenerator = TextGenerator(prompt: prompt)
        let composer = AnswerComposer(
            format: format, words: context.configuration.responseWords, maxTokens: maxTokens,
            stopSequences: stops, unparseable: context.unparseable && format.isStructured,
            ultraFeedback: context.ultraFeedbackAnswer(prompt: prompt, structured: format.isStructured)
        )
        if composer.unparseable { context.recorder.recordFault(FaultPlan.Action.unparseable.name) }

        var writer = JSONWriter(capacity: 512 + n * (context.configuration.responseWords * 10 + 128))
        writer.raw("{\"id\":")
        writer.string(context.identifier("chatcmpl-sim", hash: base))
        writer.raw(",\"object\":\"chat.completion\",\"created\":")
        writer.int(context.now)
        writer.raw(",\"model\":")
        writer.string(model)
        writer.raw(",\"system_fingerprint\":\"prefab-sim\",\"choices\":[")
        var completionTokens = 0
        for index in 0..<n {
            let generator = EndpointContext.generator(base: base, choice: index)
            let answer = composer.compose(text: textGenerator, generator: generator)
            completionTokens += answer.tokens
            if index > 0 { writer.raw(",") }
            writer.raw("{\"index\":")
            writer.int(index)
            writer.raw(",\"message\":{\"role\":\"assistant\",\"content\":")
            writer.string(answer.text)
            writer.raw(",\"refusal\":null},\"logprobs\":")
            if logprobs {
                var logprobGenerator = SplitMix64(seed: SplitMix64.mix(base &+ UInt64(index) &+ 0x106))
                writeLogprobs(answer.text, top: topLogprobs ?? 0, into: &writer, using: &logprobGenerator)
            } else {
                writer.raw("null")
            }
            writer.raw(",\"finish_reason\":")
            writer.string(answer.ending == .length ? "length" : "stop")
            writer.raw("}")
        }
        let promptTokens = messages.reduce(0) { $0 + SimulatedTokenizer.count($1.content) }
        writer.raw("],\"usage\":{\"prompt_tokens\":")
        writer.int(promptTokens)
        writer.raw(",\"completion_tokens\":")
        writer.int(completionTokens)
        writer.raw(",\"total_tokens\":")
        writer.int(promptTokens + completionTokens)
        writer.raw("}}")
        context.recorder.recordGeneration(
            model: model, promptTokens: promptTokens, completionTokens: completionTokens,
            seeded: seed != nil, structured: format.isStructured
        )
        return .json(200, writer.bytes)
    }

    private static func responseFormat(_ body: JSONValue) throws(APIError) -> AnswerComposer.Format {
        guard let format = body["response_format"], !format.isNull else { return .text }
        switch format["type"]?.stringValue {
        case "text"?:
            return .text
        case "json_object"?:
            return .jsonObject
        case "json_schema"?:
            guard let schema = format["json_schema"]?["schema"] ?? format["schema"], schema.objectValue != nil || schema.boolValue != nil else {
                throw APIError.invalid(
                    "Missing required parameter: 'response_format.json_schema.schema'.",
                    param: "response_format.json_schema.schema"
                )
            }
            return .jsonSchema(schema)
        default:
            throw APIError.invalid(
                "Invalid 'response_format.type': expected 'text', 'json_object' or 'json_schema'.",
                param: "response_format.type"
            )
        }
    }

    /// OpenAI's `logprobs.content`: one entry per token with plausible log-probabilities, the
    /// chosen token first among `top_logprobs` alternatives.
    private static func writeLogprobs(_ text: String, top: Int, into writer: inout JSONWriter, using generator: inout SplitMix64) {
        writer.raw("{\"content\":[")
        for (offset, token) in SimulatedTokenizer.tokens(text).enumerated() {
            if offset > 0 { writer.raw(",") }
            let logprob = -(generator.nextUnit() * generator.nextUnit() * 2.5)
            writeToken(token, logprob: logprob, into: &writer)
            writer.raw(",\"top_logprobs\":[")
            // Alternatives share what probability the chosen token leaves, each less likely
            // than the one before, so the listed probabilities never add up to more than 1.
            var previous = exp(logprob)
            var remaining = 1 - previous
            var alternative = logprob
            for rank in 0..<top {
                if rank > 0 { writer.raw(",") }
                let candidate: String
                if rank == 0 {
                    candidate = token
                } else {
                    let share = max(min(previous * (0.2 + 0.7 * generator.nextUnit()), remaining * 0.8), 1e-9)
                    remaining -= share
                    previous = share
                    alternative = log(share)
                    let word = Vocabulary.words[Int(generator.next() % UInt64(Vocabulary.words.count))]
                    candidate = (token.first?.isWhitespace == true ? " " : "") + word
                }
                writer.raw("{")
                writeTokenFields(candidate, logprob: rank == 0 ? logprob : alternative, into: &writer)
                writer.raw("}")
            }
            writer.raw("]}")
        }
        writer.raw("],\"refusal\":null}")
    }

    private static func writeToken(_ token: String, logprob: Double, into writer: inout JSONWriter) {
        writer.raw("{")
        writeTokenFields(token, logprob: logprob, into: &writer)
    }

    private static func writeTokenFields(_ token: String, logprob: Double, into writer: inout JSONWriter) {
        writer.raw("\"token\":")
        writer.string(token)
        writer.raw(",\"logprob\":")
        let rounded = (logprob * 10_000).rounded() / 10_000
        writer.double(rounded == 0 ? 0 : rounded)  // 0.0, as OpenAI writes it, never -0.0
        writer.raw(",\"bytes\":[")
        for (offset, byte) in token.utf8.enumerated() {
            if offset > 0 { writer.raw(",") }
            writer.int(Int(byte))
        }
        writer.raw("]")
    }
}
