import Foundation
import PrefabShards
import PrefabSimulator
import Testing
@testable import PrefabLLM

/// The OpenAI-compatible client against the simulator: what goes out and what comes back.
@Suite struct OpenAIClientTests {
    @Test func chatCompletionReturnsTextFinishReasonUsageAndModel() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            let response = try await client.chat(SimFixture.ask("Name three rivers."))

            #expect(response.choices.count == 1)
            #expect(!response.text.isEmpty)
            #expect(response.choices[0].finishReason != nil)
            #expect(response.usage.promptTokens > 0)
            #expect(response.usage.completionTokens > 0)
            #expect(response.model == "sim-model")
            #expect(response.latency > 0)
            #expect(!response.cached)
            #expect(sim.server.stats().requests(path: "/v1/chat/completions") == 1)
        }
    }

    @Test func nChoicesComeBackInOrder() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            let response = try await client.chat(SimFixture.ask("Say something.", GenerationParameters(temperature: 1, n: 3, seed: 1)))

            #expect(response.choices.map(\.index) == [0, 1, 2])
            #expect(sim.server.stats().requests(path: "/v1/chat/completions") == 1)
        }
    }

    @Test func sameSeedGivesSameTextAndAnotherSeedAnother() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            let first = try await client.chat(SimFixture.ask("Tell a story.", GenerationParameters(temperature: 1, seed: 7)))
            let again = try await client.chat(SimFixture.ask("Tell a story.", GenerationParameters(temperature: 1, seed: 7)))
            let other = try await client.chat(SimFixture.ask("Tell a story.", GenerationParameters(temperature: 1, seed: 8)))

            #expect(first.text == again.text)
            #expect(first.text != other.text)
            #expect(sim.server.stats().seededRequests == 3)
        }
    }

    @Test func maxTokensCutsTheAnswerWithFinishReasonLength() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            let response = try await client.chat(SimFixture.ask("Write an essay.", GenerationParameters(maxTokens: 3)))

            #expect(response.choices[0].finishReason == .length)
            #expect(response.usage.completionTokens <= 3)
        }
    }

    @Test func jsonSchemaRequestGetsJSONValidForTheSchema() async throws {
        try await SimFixture.with { sim in
            let schema = try JSONValue(parsing: Data("""
                {"type": "object", "properties": {"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                 "rationale": {"type": "string", "maxLength": 80}}, "required": ["rating", "rationale"],
                 "additionalProperties": false}
                """.utf8))
            let client = try EndpointClient(configuration: sim.openAI())

            let response = try await client.chat(SimFixture.ask(
                "Rate it.", GenerationParameters(responseFormat: .jsonSchema(name: "rating", schema: schema, strict: true))))

            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
            let rating = try #require(object["rating"] as? Int)
            #expect((1...5).contains(rating))
            #expect(object["rationale"] is String)
            #expect(sim.server.stats().structuredRequests == 1)
        }
    }

    @Test func logprobsAreParsedWhenAskedFor() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            let response = try await client.chat(SimFixture.ask("Hi.", GenerationParameters(maxTokens: 5, topLogprobs: 2)))

            let logprobs = try #require(response.choices[0].logprobs)
            #expect(!logprobs.isEmpty)
            #expect(logprobs.allSatisfy { $0.logprob <= 0 })
        }
    }

    @Test func endpointDefaultsApplyUnlessTheRequestOverridesThem() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI(parameters: GenerationParameters(maxTokens: 2)))

            let capped = try await client.chat(SimFixture.ask("Write an essay."))
            let longer = try await client.chat(SimFixture.ask("Write an essay.", GenerationParameters(maxTokens: 30)))

            #expect(capped.usage.completionTokens <= 2)
            #expect(longer.usage.completionTokens > 2)
        }
    }

    @Test func embeddingsComeBackOnePerInputInOrder() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            let response = try await client.embed(EmbeddingRequest(inputs: ["alpha", "beta", "alpha"]))

            #expect(response.embeddings.count == 3)
            #expect(response.embeddings[0].count == 64)
            #expect(response.embeddings[0] == response.embeddings[2])
            #expect(response.embeddings[0] != response.embeddings[1])
            let norm = response.embeddings[1].reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-6)
        }
    }

    @Test func modelsListsTheServersModels() async throws {
        try await SimFixture.with(SimulatorConfiguration(models: ["a-model", "b-model"], threads: 1)) { sim in
            let client = try EndpointClient(configuration: sim.openAI())

            let models = try await client.models()

            #expect(models.map(\.id) == ["a-model", "b-model"])
        }
    }
}
