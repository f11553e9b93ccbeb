import Foundation
import PrefabShards
import Testing
@testable import PrefabLLM

/// The Anthropic Messages client against the simulator.
@Suite struct AnthropicClientTests {
    @Test func messagesCallReturnsTextUsageAndMappedFinishReason() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.anthropic())

            let response = try await client.chat(ChatRequest(messages: [.system("Be brief."), .user("Name a colour.")]))

            #expect(!response.text.isEmpty)
            #expect(response.choices[0].finishReason == .stop)
            #expect(response.usage.promptTokens > 0)
            #expect(response.usage.completionTokens > 0)
            #expect(sim.server.stats().requests(path: "/v1/messages") == 1)
        }
    }

    @Test func maxTokensStopReasonBecomesLength() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.anthropic())

            let response = try await client.chat(SimFixture.ask("Write an essay.", GenerationParameters(maxTokens: 2)))

            #expect(response.choices[0].finishReason == .length)
        }
    }

    @Test func nGreaterThanOneIsMadeAsNCalls() async throws {
        try await SimFixture.with { sim in
            let ledger = UsageLedger()
            let client = try EndpointClient(configuration: sim.anthropic(), ledger: ledger)

            let response = try await client.chat(SimFixture.ask("Say something.", GenerationParameters(n: 3)))

            #expect(response.choices.map(\.index) == [0, 1, 2])
            #expect(sim.server.stats().requests(path: "/v1/messages") == 3)
            #expect(ledger.total.requests == 3)
        }
    }

    @Test func jsonSchemaGoesOutAsOutputFormat() async throws {
        try await SimFixture.with { sim in
            let schema = JSONValue.object([
                "type": .string("object"),
                "properties": .object(["score": .object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(10)])]),
                "required": .array([.string("score")]),
            ])
            let client = try EndpointClient(configuration: sim.anthropic())

            let response = try await client.chat(SimFixture.ask(
                "Score it.", GenerationParameters(responseFormat: .jsonSchema(name: "score", schema: schema, strict: true))))

            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
            #expect((1...10).contains(try #require(object["score"] as? Int)))
        }
    }

    @Test func embeddingsAreUnsupported() async throws {
        try await SimFixture.with { sim in
            let client = try EndpointClient(configuration: sim.anthropic())

            await #expect(throws: EndpointError.self) {
                _ = try await client.embed(EmbeddingRequest(inputs: ["x"]))
            }
            #expect(sim.server.stats().totalRequests == 0)
        }
    }
}
