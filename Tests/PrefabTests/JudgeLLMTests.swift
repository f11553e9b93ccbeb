import Foundation
import Testing

@testable import Prefab

/// The LLM judge's asking logic with a scripted client at the edge: retries, schema fallback,
/// samples, type codes.
@Suite("LLM judge calls")
struct JudgeLLMTests {
    static func ensemble(_ judge: LLMJudgeConfiguration, client: ScriptedChatClient, aggregation: AggregationConfiguration = AggregationConfiguration()) throws -> JudgeEnsemble {
        try JudgeEnsemble(
            configuration: EnsembleConfiguration(name: "test", judges: [JudgeConfiguration(name: "j", kind: .llm(judge))], aggregation: aggregation),
            clients: ["judge": client], rubrics: JudgingFixtures.rubrics)
    }

    @Test("an unreadable answer is asked again with a new seed and a non-zero temperature")
    func retry() async throws {
        let client = ScriptedChatClient([
            ScriptedChatClient.answer("The response is quite good overall."),
            ScriptedChatClient.answer(#"{"rating": 3, "types": ["clear_relevant", "concise"], "rationale": "fine"}"#),
        ])
        let ensemble = try Self.ensemble(LLMJudgeConfiguration(endpoint: "judge", rubrics: ["helpfulness"], mode: .single), client: client)
        let record = try await ensemble.rate(JudgingFixtures.input(responses: ["42"]))
        let vote = try #require(record.completions[0].votes.first)
        #expect(vote.parse == .retried)
        #expect(vote.attempts == 2)
        #expect(vote.rating == 3)
        #expect(vote.types == ["1", "3"])  // ids answered, codes stored
        #expect(record.completions[0].annotations["helpfulness"]?.types == ["1", "3"])
        #expect(client.requests.count == 2)
        let (first, second) = (client.requests[0], client.requests[1])
        #expect(first.parameters.temperature == 0)
        #expect(second.parameters.temperature == LLMJudge.retryTemperature)
        #expect(first.parameters.seed != second.parameters.seed)
        #expect(first.sampleIndex == 0 && second.sampleIndex == 1)  // distinct cache entries
        #expect(record.agreement?.judges["j"]?.retried == 1)
    }

    @Test("auto mode falls back to free text when the endpoint refuses json_schema, and remembers")
    func schemaFallback() async throws {
        let client = ScriptedChatClient([
            { request in
                if request.parameters.responseFormat != nil {
                    throw EndpointError.http(endpoint: "judge", status: 400, message: "response_format is not supported")
                }
                return try ScriptedChatClient.answer("Rating: 4\nRationale: Correct and clear.")(request)
            },
        ])
        let ensemble = try Self.ensemble(LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty"], mode: .single), client: client)
        let record = try await ensemble.rate(JudgingFixtures.input(responses: ["42"]))
        let vote = try #require(record.completions[0].votes.first)
        #expect(vote.parse == .ok)
        #expect(vote.rating == 4)
        #expect(vote.rationale == "Correct and clear.")
        #expect(client.requests.map { $0.parameters.responseFormat == nil } == [false, true])
        _ = try await ensemble.rate(JudgingFixtures.input("p2", responses: ["43"]))
        #expect(client.requests.count == 3)
        #expect(client.requests[2].parameters.responseFormat == nil)
    }

    @Test("json_schema mode sends the schema; none never does")
    func structuredModes() async throws {
        let answer = ScriptedChatClient.answer(#"{"rating": "N/A", "rationale": "a poem"}"#)
        let strict = ScriptedChatClient([answer])
        _ = try await Self.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty"], mode: .single, structuredOutput: .jsonSchema), client: strict
        ).rate(JudgingFixtures.input(responses: ["roses are red"]))
        guard case .jsonSchema(let name, let schema, _)? = strict.requests[0].parameters.responseFormat else {
            Issue.record("no schema sent")
            return
        }
        #expect(name == "judgement")
        let honesty = try JudgingFixtures.rubrics.rubric(named: "honesty")
        #expect(schema == JudgeSchema.single(honesty, rationaleMaxChars: honesty.rationaleMaxChars))
        let free = ScriptedChatClient([answer])
        let record = try await Self.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty"], mode: .single, structuredOutput: .none), client: free
        ).rate(JudgingFixtures.input(responses: ["roses are red"]))
        #expect(free.requests[0].parameters.responseFormat == nil)
        #expect(record.completions[0].annotations["honesty"]?.rating == "N/A")
        #expect(record.completions[0].votes[0].notApplicable)
    }

    @Test("samples: n answers per call, each a vote, the judge's rating their mean")
    func samples() async throws {
        let client = ScriptedChatClient([{ _ in
            ChatResponse(
                model: "scripted",
                choices: [
                    ChatChoice(index: 0, text: #"{"rating": 2, "rationale": "a"}"#, finishReason: .stop),
                    ChatChoice(index: 1, text: #"{"rating": 5, "rationale": "b"}"#, finishReason: .stop),
                ],
                usage: TokenUsage(promptTokens: 10, completionTokens: 10), latency: 0)
        }])
        let record = try await Self.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty"], mode: .single, temperature: 1, samples: 2), client: client
        ).rate(JudgingFixtures.input(responses: ["42"]))
        #expect(client.requests[0].parameters.n == 2)
        let votes = record.completions[0].votes
        #expect(votes.map(\.sample) == [0, 1])
        #expect(record.completions[0].annotations["honesty"]?.rating == "3.5")
    }

    @Test("multi mode maps shuffled positions back to completions")
    func multiMapping() async throws {
        // The judge rates whatever it was shown first 5, second 3, third 1.
        let client = ScriptedChatClient([ScriptedChatClient.answer(#"{"C": {"rating": 1, "rationale": "c"}, "A": {"rating": 5, "rationale": "a"}, "B": {"rating": 3, "rationale": "b"}}"#)])
        let record = try await Self.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty"], mode: .multi), client: client
        ).rate(JudgingFixtures.input(responses: ["first", "second", "third"]))
        let prompt = client.requests[0].messages.last!.content
        for completion in record.completions {
            let vote = completion.votes[0]
            let position = try #require(vote.position)
            #expect(vote.rating == [5.0, 3, 1][position])
            // The completion really was shown at that position: "<response A>" before its text.
            let shownAt = try #require(prompt.range(of: "<response \(CompletionLabel.label(position))>\n\(completion.response)\n"))
            #expect(!shownAt.isEmpty)
        }
    }

    @Test("a type id outside the rubric's list fails the reading")
    func unknownType() async throws {
        let client = ScriptedChatClient([ScriptedChatClient.answer(#"{"rating": 4, "types": ["sparkly"], "rationale": "x"}"#)])
        let record = try await Self.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["helpfulness"], mode: .single, retries: 0), client: client
        ).rate(JudgingFixtures.input(responses: ["42"]))
        let vote = record.completions[0].votes[0]
        #expect(vote.parse == .failed)
        #expect(vote.detail == JudgeParseFailure.unknownType("sparkly").description)
    }

    @Test("pairwise with one seeded order asks each pair once")
    func pairwiseOneOrder() async throws {
        let client = ScriptedChatClient([ScriptedChatClient.answer(#"{"verdict": "A", "rationale": "first"}"#)])
        let record = try await Self.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["overall"], mode: .pairwise, orders: .one), client: client,
            aggregation: AggregationConfiguration(method: .majority, overall: .winRate)
        ).rate(JudgingFixtures.input(responses: ["a", "b", "c", "d"]))
        #expect(client.requests.count == 6)
        #expect(record.agreement?.judges["j"]?.orderPairs == 0)
        #expect(record.agreement?.judges["j"]?.prefersFirst == 1)
        let total = record.completions.compactMap(\.overallScore).reduce(0, +)
        #expect(abs(total - 2) < 1e-9)  // 6 pairs split among 4 completions with 3 comparisons each
    }
}
