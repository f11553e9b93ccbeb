import Foundation
import Prefab
import Testing

/// Prefab's endpoint client against the real local llama.cpp server (SmolLM2-135M-Instruct):
/// the calls every stage makes. Answers are kept short because the server shares two cores
/// with the build; the model's answers are fluent but often wrong, so the tests check shape and
/// behaviour, never content.
@Suite(.localServer, .serialized)
struct LocalServerChatTests {
    let client: EndpointClient

    init() throws {
        client = try LocalServerFixture.client()
    }

    @Test func modelListNamesTheServersAlias() async throws {
        let models = try await client.models()
        #expect(models.map(\.id).contains(LocalServer.modelAlias))
    }

    @Test func providerLocalResolvesTheStateFilesURLAndModel() throws {
        let record = try #require(LocalServerFixture.current)
        #expect(client.identity.model == LocalServer.modelAlias)
        // The cache key must not change with the port.
        #expect(client.identity.baseURL == "local")
        #expect(record.baseURL == "http://127.0.0.1:\(record.port)/v1")
    }

    @Test func chatCompletionReturnsAnAnswerWithUsage() async throws {
        let response = try await client.chat(ChatRequest(
            messages: [.system("You answer in one short sentence."), .user("What is the capital of France?")],
            parameters: GenerationParameters(temperature: 0, maxTokens: 24, seed: 1)))
        let choice = try #require(response.choices.first)
        #expect(response.choices.count == 1)
        #expect(!choice.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(choice.finishReason == .stop || choice.finishReason == .length)
        #expect(response.usage.promptTokens > 0)
        #expect((1...24).contains(response.usage.completionTokens))
        #expect(response.model == LocalServer.modelAlias)
    }

    @Test func nGreaterThanOneReturnsNDistinctChoices() async throws {
        let response = try await client.chat(ChatRequest(
            messages: [.user("Name a colour and say why you like it.")],
            parameters: GenerationParameters(temperature: 1.0, maxTokens: 12, n: 3, seed: 7)))
        #expect(response.choices.map(\.index) == [0, 1, 2])
        for choice in response.choices {
            #expect(!choice.text.isEmpty, "choice \(choice.index) is empty")
        }
        // Each choice samples on its own (the seed is fixed, so this is deterministic).
        #expect(Set(response.choices.map(\.text)).count > 1, "n = 3 gave three identical answers: \(response.choices.map(\.text))")
    }

    @Test func sameSeedGivesTheSameTextAndAnotherSeedAnother() async throws {
        func sample(seed: Int) async throws -> String {
            try await client.chat(ChatRequest(
                messages: [.user("Write the first line of a poem about rivers.")],
                parameters: GenerationParameters(temperature: 1.0, maxTokens: 16, seed: seed))).text
        }
        let first = try await sample(seed: 1234)
        let again = try await sample(seed: 1234)
        let other = try await sample(seed: 4321)
        #expect(first == again)
        #expect(first != other, "seeds 1234 and 4321 gave the same text: \(first)")
    }

    @Test func seededChoicesAreReproducibleWhileOtherRequestsShareTheBatch() async throws {
        // The server decodes several slots in one batch; a seeded answer must not depend on what
        // else is being decoded next to it.
        let request = ChatRequest(
            messages: [.user("Give one tip for learning to cook.")],
            parameters: GenerationParameters(temperature: 0.9, maxTokens: 16, seed: 99))
        let alone = try await client.chat(request).text
        let crowded = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await client.chat(request).text }
            for filler in 0..<3 {
                group.addTask {
                    _ = try await client.chat(ChatRequest(
                        messages: [.user("Count from \(filler) upwards.")],
                        parameters: GenerationParameters(temperature: 1.0, maxTokens: 24, seed: filler)))
                    return nil
                }
            }
            var answer: String?
            for try await text in group where text != nil { answer = text }
            return answer
        }
        #expect(crowded == alone)
    }

    @Test func jsonSchemaResponseIsValidForTheSchema() async throws {
        // A judge-shaped schema: one rating and a rationale of bounded length (SmolLM2 rambles; an
        // unbounded string runs into max_tokens and cuts the JSON off).
        let schema: JSONValue = .object([
            "type": .string("object"),
            "properties": .object([
                "rating": .object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(5)]),
                "rationale": .object(["type": .string("string"), "maxLength": .int(80)]),
            ]),
            "required": .array([.string("rating"), .string("rationale")]),
            "additionalProperties": .bool(false),
        ])
        let response = try await client.chat(ChatRequest(
            messages: [
                .system("You rate answers. Reply with JSON only."),
                .user("Question: What is 2 + 2?\nAnswer: 4.\nRate the answer's helpfulness from 1 to 5 and give a short rationale."),
            ],
            parameters: GenerationParameters(
                temperature: 0, maxTokens: 96, seed: 3,
                responseFormat: .jsonSchema(name: "rating", schema: schema, strict: true))))
        let choice = try #require(response.choices.first)
        // Cut off by max_tokens means the JSON is incomplete: a failure, not a parse to attempt.
        try #require(choice.finishReason == .stop, "finish_reason \(choice.finishReason?.rawValue ?? "nil"): \(choice.text)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(choice.text.utf8)) as? [String: Any],
            "not a JSON object: \(choice.text)")
        #expect(Set(object.keys) == ["rating", "rationale"])
        let rating = try #require(object["rating"] as? Int, "rating is not an integer: \(choice.text)")
        #expect((1...5).contains(rating))
        let rationale = try #require(object["rationale"] as? String)
        #expect(rationale.count <= 80)
    }

    @Test func embeddingsComeBackAsOneVectorPerInput() async throws {
        let inputs = ["a cat sleeps on the mat", "a dog runs in the park", "quantum chromodynamics"]
        let response: EmbeddingResponse
        do {
            response = try await client.embed(EmbeddingRequest(inputs: inputs))
        } catch let error as EndpointError where error.status == 501 {
            try Test.cancel("the running local server was started without embeddings (prefab local start --no-embeddings)")
        }
        #expect(response.embeddings.count == inputs.count)
        let dimension = try #require(response.embeddings.first?.count)
        #expect(dimension > 0)
        for vector in response.embeddings {
            #expect(vector.count == dimension)
            #expect(vector.allSatisfy { $0.isFinite })
            #expect(vector.contains { $0 != 0 })
        }
        #expect(response.embeddings[0] != response.embeddings[2])
    }
}
