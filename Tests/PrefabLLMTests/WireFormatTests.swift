import Foundation
import PrefabShards
import Testing
@testable import PrefabLLM

/// Request bodies, canonical JSON and response parsing, without a server.
@Suite struct WireFormatTests {
    @Test func serializedJSONIsCompactWithSortedKeysAndEscapes() {
        let value = JSONValue.object([
            "b": .array([.int(1), .double(0.5), .double(2), .bool(true), .null]),
            "a": .string("quote\" backslash\\ newline\n tab\t bell\u{07} é 🙂 /"),
        ])
        let text = String(decoding: value.canonicalBytes(), as: UTF8.self)
        #expect(text == #"{"a":"quote\" backslash\\ newline\n tab\t bell\u0007 é 🙂 /","b":[1,0.5,2,true,null]}"#)
    }

    @Test func serializedJSONReadsBackAsTheSameValue() throws {
        let value = JSONValue.object([
            "schema": .object(["maxLength": .int(200), "minimum": .double(-1.25e-7)]),
            "list": .array([.string(""), .object([:]), .array([])]),
        ])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(value.canonicalBytes()))
        #expect(decoded == value)
    }

    @Test func openAIBodyCarriesEveryGenerationParameter() throws {
        let parameters = GenerationParameters(
            temperature: 0.7, topP: 0.9, maxTokens: 64, n: 2, seed: 42, stop: ["###"], topLogprobs: 3,
            responseFormat: .jsonSchema(name: "r", schema: .object(["type": .string("object")]), strict: true),
            extra: ["top_k": .int(40)])
        let body = OpenAIWire.chatBody(model: "m", messages: [.system("s"), .user("u")], parameters: parameters)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.canonicalBytes())) as? [String: Any])

        #expect(object["model"] as? String == "m")
        #expect((object["messages"] as? [[String: String]])?.map { $0["role"] } == ["system", "user"])
        #expect(object["temperature"] as? Double == 0.7)
        #expect(object["top_p"] as? Double == 0.9)
        #expect(object["max_tokens"] as? Int == 64)
        #expect(object["n"] as? Int == 2)
        #expect(object["seed"] as? Int == 42)
        #expect(object["stop"] as? [String] == ["###"])
        #expect(object["logprobs"] as? Bool == true)
        #expect(object["top_logprobs"] as? Int == 3)
        #expect(object["top_k"] as? Int == 40)
        let format = try #require(object["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        #expect((format["json_schema"] as? [String: Any])?["name"] as? String == "r")
    }

    @Test func anthropicBodyMovesSystemMessagesToTheTopAndRenamesStop() throws {
        let body = try AnthropicWire.messagesBody(
            model: "claude", messages: [.system("one"), .system("two"), .user("hi")],
            parameters: GenerationParameters(temperature: 0.2, stop: ["END"]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.canonicalBytes())) as? [String: Any])

        #expect(object["system"] as? String == "one\n\ntwo")
        #expect((object["messages"] as? [[String: String]])?.map { $0["role"] } == ["user"])
        #expect(object["stop_sequences"] as? [String] == ["END"])
        #expect(object["max_tokens"] as? Int == AnthropicWire.defaultMaxTokens)
        #expect(object["seed"] == nil)
    }

    @Test func anthropicStopReasonsMapToFinishReasons() {
        #expect(FinishReason.fromAnthropic("end_turn") == .stop)
        #expect(FinishReason.fromAnthropic("stop_sequence") == .stop)
        #expect(FinishReason.fromAnthropic("max_tokens") == .length)
        #expect(FinishReason.fromAnthropic("tool_use") == .toolCalls)
        #expect(FinishReason.fromAnthropic("pause_turn").rawValue == "pause_turn")
    }

    @Test func openAIResponseWithNullContentAndNoUsageStillParses() throws {
        let body = Data(#"{"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"tool_calls"}]}"#.utf8)
        let response = try OpenAIWire.parseChat(body, requestedModel: "asked", latency: 0.25)
        #expect(response.model == "asked")
        #expect(response.text == "")
        #expect(response.choices[0].finishReason == .toolCalls)
        #expect(response.usage == TokenUsage())
    }

    /// A wrong-typed answer must fail as malformed (and be retried), never read as an empty
    /// answer that becomes a sample nobody can tell from a model that said nothing.
    @Test func answerTextOfAnotherTypeIsMalformedNotEmpty() throws {
        let openAI = Data(#"{"choices":[{"index":0,"message":{"role":"assistant","content":["a","b"]}}]}"#.utf8)
        #expect {
            try OpenAIWire.parseChat(openAI, requestedModel: "m", latency: 0)
        } throws: { "\($0)" == "field 'choices[0].message.content' is an array, not text" }
        let anthropic = Data(#"{"content":[{"type":"text","text":"ok"},{"type":"text","text":7}]}"#.utf8)
        #expect {
            try AnthropicWire.parseMessage(anthropic, requestedModel: "m", latency: 0)
        } throws: { "\($0)" == "field 'content[1].text' is a number, not text" }
        let legacy = Data(#"{"choices":[{"text":"plain completion"}]}"#.utf8)
        #expect(try OpenAIWire.parseChat(legacy, requestedModel: "m", latency: 0).text == "plain completion")
    }

    @Test func errorMessagesComeFromEitherProvidersErrorShape() {
        #expect(ErrorMessage.extract(from: Data(#"{"error":{"message":"bad model","type":"invalid_request_error"}}"#.utf8)) == "bad model")
        #expect(ErrorMessage.extract(from: Data(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.utf8)) == "Overloaded")
        #expect(ErrorMessage.extract(from: Data(#"{"error":"plain"}"#.utf8)) == "plain")
        #expect(ErrorMessage.extract(from: Data("<html>Bad Gateway</html>".utf8)) == "<html>Bad Gateway</html>")
        #expect(ErrorMessage.extract(from: Data()) == "(empty body)")
    }
}
