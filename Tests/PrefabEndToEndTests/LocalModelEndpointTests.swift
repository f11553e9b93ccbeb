import Foundation
import PrefabShards
import PrefabLLM
import Testing

/// The endpoint layer against the real local llama.cpp server (SmolLM2-135M), when it runs:
/// `$PREFAB_HOME/local/server.json` (default `.prefab/local/server.json`) names it. Skipped,
/// saying why, otherwise.
@Suite(.enabled(if: LocalEndpointAvailability.isRunning, "the local llama.cpp server is not running (no live .prefab/local/server.json)"))
struct LocalModelEndpointTests {
    let client: EndpointClient

    init() throws {
        client = try EndpointClient(configuration: EndpointConfiguration(
            name: "local", provider: .local,
            parameters: GenerationParameters(maxTokens: 24),
            limits: EndpointLimits(maxConcurrent: 4),
            timeouts: Timeouts(connect: 5, request: 120),
            retry: RetryPolicy(maxAttempts: 2)))
    }

    @Test func chatCompletionAnswers() async throws {
        let response = try await client.chat(ChatRequest(messages: [.system("Answer briefly."), .user("What is the capital of France?")]))
        #expect(!response.text.isEmpty)
        #expect(response.choices[0].finishReason == .stop || response.choices[0].finishReason == .length)
        #expect(response.usage.promptTokens > 0)
        #expect(response.usage.completionTokens > 0)
    }

    /// `scripts/local` gives every slot the context SmolLM2 was trained for (8192 tokens, read
    /// from the GGUF file), and the client reads it from the server's `/props`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PREFAB_LOCAL_CTX_PER_SLOT"] == nil, "PREFAB_LOCAL_CTX_PER_SLOT overrides the default"))
    func eachSlotHasTheContextTheModelWasTrainedFor() async throws {
        #expect(await client.contextWindow == 8192)
    }

    /// The server's own refusal of a request beyond a slot's context is recognised as such.
    @Test func aRequestBeyondTheContextIsAContextOverflow() async throws {
        let long = String(repeating: "hello world ", count: 6000)
        do {
            _ = try await client.chat(ChatRequest(messages: [.user(long)], parameters: GenerationParameters(maxTokens: 4)))
            Issue.record("a 12,000-token request was answered")
        } catch let error as EndpointError {
            #expect(error.isContextOverflow, "\(error)")
            #expect(error.description.contains("PREFAB_LOCAL_CTX_PER_SLOT"))
        }
    }

    @Test func nGreaterThanOneGivesThatManyChoices() async throws {
        let response = try await client.chat(ChatRequest(
            messages: [.user("Name a fruit.")], parameters: GenerationParameters(temperature: 1, maxTokens: 8, n: 2, seed: 5)))
        #expect(response.choices.count == 2)
        #expect(response.choices.map(\.index) == [0, 1])
    }

    @Test func theSameSeedGivesTheSameAnswer() async throws {
        let request = ChatRequest(
            messages: [.user("Write a short line about rain.")],
            parameters: GenerationParameters(temperature: 0.9, maxTokens: 12, seed: 1234))
        let first = try await client.chat(request)
        let second = try await client.chat(request)
        #expect(first.text == second.text)
    }

    @Test func aJSONSchemaRequestGetsJSONForTheSchema() async throws {
        let schema = try JSONValue(parsing: Data("""
            {"type": "object", "properties": {"rating": {"type": "integer", "minimum": 1, "maximum": 5},
             "reason": {"type": "string", "maxLength": 40}}, "required": ["rating", "reason"],
             "additionalProperties": false}
            """.utf8))
        let response = try await client.chat(ChatRequest(
            messages: [.user("Rate the sentence 'The sky is blue.' from 1 to 5 for accuracy.")],
            parameters: GenerationParameters(
                temperature: 0, maxTokens: 80, responseFormat: .jsonSchema(name: "rating", schema: schema, strict: true))))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
        let rating = try #require(object["rating"] as? Int)
        #expect((1...5).contains(rating))
        #expect(object["reason"] is String)
    }
}

enum LocalEndpointAvailability {
    /// Whether the state file names a live server.
    static var isRunning: Bool {
        (try? LocalServerState.load()) != nil
    }
}
