import Foundation
import PrefabSimulator
import Testing

@testable import Prefab

/// Bundled ensembles end to end against the in-process simulator: real HTTP through the
/// endpoint layer, answers valid for the judges' JSON schemas.
@Suite("Judge ensembles against the simulator")
struct JudgeEnsembleTests {
    @Test("ultrafeedback rates every completion on the four aspects, one shuffled multi call per aspect")
    func ultrafeedback() async throws {
        try await JudgingFixtures.withSimulator { server in
            let ensemble = try JudgingFixtures.ensemble("ultrafeedback", server)
            let record = try await ensemble.rate(JudgingFixtures.input(responses: JudgingFixtures.threeAnswers))
            let aspects = ["helpfulness", "honesty", "instruction_following", "truthfulness"]
            #expect(record.ensemble == "ultrafeedback")
            #expect(record.completions.count == 3)
            for completion in record.completions {
                #expect(completion.annotations.keys.sorted() == aspects)
                for aspect in aspects {
                    let score = try #require(completion.annotations[aspect]?.score)
                    #expect((1...5).contains(score))
                }
                // Typed aspects carry their type codes; the others do not.
                #expect(completion.annotations["truthfulness"]?.types != nil)
                #expect(completion.annotations["honesty"]?.types == nil)
                let mean = aspects.map { completion.annotations[$0]!.score! }.reduce(0, +) / 4
                #expect(abs(try #require(completion.fineGrainedScore) - mean) < 1e-9)
                #expect(completion.overallScore == completion.fineGrainedScore)
                #expect(completion.votes.count == 4)
                #expect(completion.votes.allSatisfy { $0.judge == "uf-judge" && $0.parse == .ok && !$0.raw.isEmpty })
            }
            // Each aspect's call showed the three completions at positions 0, 1, 2.
            for aspect in aspects {
                let positions = record.completions.map { $0.votes.first { $0.aspect == aspect }!.position! }
                #expect(positions.sorted() == [0, 1, 2])
            }
            let figures = try #require(record.agreement?.judges["uf-judge"])
            #expect(figures.calls == 4)
            #expect(figures.votes == 12)
            #expect(figures.parseFailures == 0)
            #expect(figures.totalTokens > 0)
            #expect(server.stats().structuredRequests == 4)
        }
    }

    @Test("the same samples give the same record on every run")
    func deterministic() async throws {
        try await JudgingFixtures.withSimulator { server in
            let input = JudgingFixtures.input(responses: JudgingFixtures.threeAnswers)
            let first = try await JudgingFixtures.ensemble("jury", server).rate(input)
            let second = try await JudgingFixtures.ensemble("jury", server).rate(input)
            let (a, b) = (try JudgingFixtures.json(first), try JudgingFixtures.json(second))
            if a != b {
                let difference = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                Issue.record("first difference at \(difference): \(a.dropFirst(max(0, difference - 200)).prefix(400)) VERSUS \(b.dropFirst(max(0, difference - 200)).prefix(400))")
            }
            // Another run seed shuffles differently (so the calls differ) but rates the same completions.
            let reseeded = try await JudgingFixtures.ensemble("jury", server, seed: 99).rate(input)
            #expect(reseeded.completions.count == 3)
        }
    }

    @Test("with the response cache a repeated judgement makes no calls")
    func cacheMakesRepeatsFree() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await JudgingFixtures.withSimulator { server in
            let cache = try ResponseCache(path: directory + "/cache.sqlite")
            let input = JudgingFixtures.input(responses: JudgingFixtures.threeAnswers)
            let first = try await JudgingFixtures.ensemble("ultrafeedback", server, cache: cache).rate(input)
            let requests = server.stats().totalRequests
            let second = try await JudgingFixtures.ensemble("ultrafeedback", server, cache: cache).rate(input)
            #expect(server.stats().totalRequests == requests)
            #expect(second.agreement?.judges["uf-judge"]?.cachedCalls == 4)
            #expect(second.completions.map(\.annotations) == first.completions.map(\.annotations))
            try await cache.close()
        }
    }

    @Test("unparseable answers are retried, then recorded as failures with their raw text, never as scores")
    func unparseable() async throws {
        try await JudgingFixtures.withSimulator { server in
            let ensemble = try JudgingFixtures.ensemble("ultrafeedback", server, headers: ["x-sim-fault": "unparseable"])
            let record = try await ensemble.rate(JudgingFixtures.input(responses: JudgingFixtures.threeAnswers))
            for completion in record.completions {
                #expect(completion.votes.count == 4)
                for vote in completion.votes {
                    #expect(vote.parse == .failed)
                    #expect(vote.rating == nil)
                    #expect(vote.attempts == 3)  // the first try and two retries
                    #expect(vote.raw.hasPrefix("I think the answer is fine."))
                    #expect(vote.detail != nil)
                }
                #expect(completion.annotations.values.allSatisfy { $0.rating == "" && $0.score == nil })
                #expect(completion.fineGrainedScore == nil)
                #expect(completion.overallScore == nil)
            }
            let figures = try #require(record.agreement?.judges["uf-judge"])
            #expect(figures.calls == 12)
            #expect(figures.parseFailureRate == 1)
        }
    }

    @Test("an answer cut off at max_tokens is a parse failure, even when it starts well")
    func truncated() async throws {
        try await JudgingFixtures.withSimulator { server in
            let configuration = EnsembleConfiguration(
                name: "tiny", judges: [
                    JudgeConfiguration(name: "short", kind: .llm(LLMJudgeConfiguration(
                        endpoint: "judge", rubrics: ["helpfulness"], mode: .single, maxTokens: 6, retries: 1))),
                ], aggregation: AggregationConfiguration())
            let clients = try EndpointSet([JudgingFixtures.endpoint(server)]).chatClients()
            let ensemble = try JudgeEnsemble(configuration: configuration, clients: clients, rubrics: JudgingFixtures.rubrics)
            let record = try await ensemble.rate(JudgingFixtures.input(responses: ["42"]))
            let vote = try #require(record.completions[0].votes.first)
            #expect(vote.parse == .failed)
            #expect(vote.attempts == 2)
            #expect(vote.detail == JudgeParseFailure.truncated.description)
            #expect(vote.raw.hasPrefix("{"))
        }
    }

    @Test("a call that fails after the endpoint's retries fails the prompt instead of leaving holes")
    func requestFailure() async throws {
        try await JudgingFixtures.withSimulator { server in
            let ensemble = try JudgingFixtures.ensemble("ultrafeedback", server, headers: ["x-sim-fault": "status=500"])
            await #expect(throws: JudgeError.self) {
                _ = try await ensemble.rate(JudgingFixtures.input(responses: JudgingFixtures.threeAnswers))
            }
        }
    }

    @Test("random faults from the simulator end in recorded votes: read, retried, or failed with raw output")
    func randomFaults() async throws {
        let configuration = SimulatorConfiguration(seed: 5, unparseableRate: 0.4, threads: 2)
        try await JudgingFixtures.withSimulator(configuration) { server in
            let ensemble = try JudgingFixtures.ensemble("jury", server)
            var statuses: Set<JudgeVote.ParseStatus> = []
            for index in 0..<4 {
                let record = try await ensemble.rate(JudgingFixtures.input("p\(index)", responses: JudgingFixtures.threeAnswers))
                for vote in record.completions.flatMap(\.votes) where vote.judge != "length" {
                    statuses.insert(vote.parse)
                    switch vote.parse {
                    case .ok, .retried: #expect(vote.rating != nil || vote.notApplicable)
                    case .failed: #expect(vote.rating == nil && !vote.raw.isEmpty)
                    case .skipped: Issue.record("an LLM vote cannot be skipped")
                    }
                }
            }
            #expect(statuses.contains(.retried))
        }
    }

    @Test("pairwise asks every pair in both orders; win rates add up and consistency is counted")
    func pairwise() async throws {
        try await JudgingFixtures.withSimulator { server in
            let ensemble = try JudgingFixtures.ensemble("pairwise", server)
            let record = try await ensemble.rate(JudgingFixtures.input(responses: JudgingFixtures.threeAnswers))
            let figures = try #require(record.agreement?.judges["pair-judge"])
            #expect(figures.calls == 6)  // 3 pairs × 2 orders
            #expect(figures.votes == 6)
            #expect(figures.orderPairs == 3)
            var total = 0.0
            for completion in record.completions {
                #expect(completion.votes.count == 4)  // 2 opponents × 2 orders
                #expect(Set(completion.votes.compactMap(\.position)) == [0, 1])
                #expect(completion.annotations.isEmpty)
                let rate = try #require(completion.overallScore)
                #expect((0...1).contains(rate))
                #expect(completion.scores["pair-judge"] == rate)
                total += rate
            }
            // Each pair's outcome splits one point between its two completions: 3 pairs, 2 comparisons each.
            #expect(abs(total - 1.5) < 1e-9)
        }
    }

    @Test("the jury's three jurors give agreement figures; the length scorer only measures")
    func jury() async throws {
        try await JudgingFixtures.withSimulator { server in
            let record = try await JudgingFixtures.ensemble("jury", server).rate(JudgingFixtures.input(responses: JudgingFixtures.threeAnswers))
            let agreement = try #require(record.agreement)
            #expect(agreement.alphaUnits == 12)  // 3 completions × 4 aspects, each rated by three jurors
            #expect(agreement.pairs.map { "\($0.first)/\($0.second)" } == [
                "juror-multi/juror-single-a", "juror-multi/juror-single-b", "juror-single-a/juror-single-b",
            ])
            #expect(agreement.pairs.allSatisfy { $0.items == 12 })
            for (index, completion) in record.completions.enumerated() {
                #expect(completion.annotations["length"] == nil)
                #expect(completion.scores["length"] == Double(JudgingFixtures.threeAnswers[index].count))
                // Median of three jurors: one of their own ratings.
                let helpfulness = try #require(completion.annotations["helpfulness"]?.score)
                let jurors = completion.votes.filter { $0.aspect == "helpfulness" }.compactMap(\.rating)
                #expect(jurors.count == 3)
                #expect(jurors.contains(helpfulness))
            }
        }
    }

    @Test("verifiable: a wrong final answer fails the required correctness aspect whatever the LLM says")
    func verifiable() async throws {
        try await JudgingFixtures.withSimulator { server in
            let input = JudgingFixtures.input(
                prompt: "What is 6 times 7?", responses: ["6 x 7 = 42", "I think it is 41.\nConfidence: 90%"], reference: "42")
            let record = try await JudgingFixtures.ensemble("verifiable", server).rate(input)
            #expect(record.reference == "42")
            let right = record.completions[0]
            let wrong = record.completions[1]
            #expect(right.annotations["correctness"]?.rating == "5")
            #expect(wrong.annotations["correctness"]?.rating == "1")
            #expect(wrong.flags == ["required_failed:correctness"])
            #expect(wrong.overallScore == 1)
            #expect(right.flags.isEmpty)
            #expect(right.overallScore == right.fineGrainedScore)
            // The LLM judge was shown the reference.
            #expect(right.votes.contains { $0.judge == "explain-judge" })
            let figures = try #require(record.agreement?.judges["reference-match"])
            #expect(figures.calls == 0)
            #expect(figures.votes == 2)
        }
    }
}

/// The reward-model scorer over real HTTP: the simulator's embeddings endpoint stands in for a
/// reward model (a POST whose JSON answer holds a number at a known path).
@Suite("Reward-model scorer against the simulator")
struct JudgeRewardModelTests {
    static func ensemble(_ server: SimulatorServer, scorePath: String, directory: String, batch: Int? = nil) throws -> JudgeEnsemble {
        let file = directory + "/reward.yaml"
        try """
            schema: 1
            name: reward
            judges:
              - name: rm
                kind: reward_model
                endpoint: rm
                model: sim-model
                request: text
                path: /embeddings
                score_path: \(scorePath)
                range: [-1, 1]\(batch.map { "\n    batch: \($0)" } ?? "")
            aggregation: {method: weighted_mean, overall: fine_grained_mean}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let endpoint = EndpointConfiguration(name: "rm", provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model")
        return try JudgeEnsemble.load(file: file, endpoints: EndpointSet([endpoint]), rubrics: JudgingFixtures.rubrics)
    }

    @Test("the score at the path becomes the judge's score and, with a range, a 1–5 rating")
    func scores() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Two dimensions, so the first component of the unit vector varies with the text.
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, embeddingDimensions: 2, threads: 2)) { server in
            let ensemble = try Self.ensemble(server, scorePath: "data.0.embedding.0", directory: directory)
            let input = JudgingFixtures.input(responses: ["42", "41"])
            let record = try await ensemble.rate(input)
            for completion in record.completions {
                let score = try #require(completion.scores["rm"])
                #expect((-1...1).contains(score))
                let rating = try #require(completion.annotations["reward"]?.score)
                #expect(abs(rating - (1 + 4 * (score + 1) / 2)) < 1e-3)
                #expect(completion.votes[0].detail == "score \(score)")
            }
            #expect(record.completions[0].scores["rm"] != record.completions[1].scores["rm"])
            #expect(server.stats().requests(path: "/v1/embeddings") == 2)
            // Same text, same score.
            let again = try await ensemble.rate(input)
            #expect(again.completions.map { $0.scores["rm"] } == record.completions.map { $0.scores["rm"] })
        }
    }

    @Test("an answer without a number at the path is a failed vote that keeps the body")
    func missingScore() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await JudgingFixtures.withSimulator { server in
            let record = try await Self.ensemble(server, scorePath: "data.0.score", directory: directory).rate(JudgingFixtures.input(responses: ["42"]))
            let vote = try #require(record.completions[0].votes.first)
            #expect(vote.parse == .failed)
            #expect(vote.raw.contains("\"embedding\""))
            #expect(record.completions[0].scores["rm"] == nil)
            #expect(record.completions[0].annotations["reward"]?.rating == "")
        }
    }

    @Test("reward-model calls go through the endpoint's client: counted by the budget ledger, answered from the cache")
    func ledgerAndCache() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, embeddingDimensions: 2, threads: 2)) { server in
            let file = directory + "/reward.yaml"
            _ = try Self.ensemble(server, scorePath: "data.0.embedding.0", directory: directory)
            let cache = try ResponseCache(path: directory + "/cache.sqlite")
            let ledger = UsageLedger(budget: Budget(maxRequests: 2))
            let endpoint = EndpointConfiguration(name: "rm", provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model")
            let ensemble = try JudgeEnsemble.load(
                file: file, endpoints: EndpointSet([endpoint], cache: cache, ledger: ledger), rubrics: JudgingFixtures.rubrics)
            let input = JudgingFixtures.input(responses: ["42", "41"])
            let first = try await ensemble.rate(input)
            #expect(ledger.total.requests == 2)
            // The budget is spent, but the cache answers the same requests without a call.
            let second = try await ensemble.rate(input)
            #expect(server.stats().requests(path: "/v1/embeddings") == 2)
            #expect(second.completions.map { $0.scores["rm"] } == first.completions.map { $0.scores["rm"] })
            #expect(second.agreement?.judges["rm"]?.cachedCalls == 2)
            // A new answer is refused by the budget, as any other call would be.
            await #expect(throws: JudgeError.self) { _ = try await ensemble.rate(JudgingFixtures.input(responses: ["40"])) }
            try await cache.close()
        }
    }

    @Test("two reward-model scorers on one endpoint with different paths each get their own client")
    func clientsAreKeyedByEndpointAndPath() throws {
        let configuration = EnsembleConfiguration(
            name: "two", judges: [
                JudgeConfiguration(name: "a", kind: .rewardModel(RewardModelScorerConfiguration(endpoint: "rm", aspect: "a", path: "/classify"))),
                JudgeConfiguration(name: "b", kind: .rewardModel(RewardModelScorerConfiguration(endpoint: "rm", aspect: "b", path: "/score"))),
            ], aggregation: AggregationConfiguration())
        let endpoint = EndpointConfiguration(name: "rm", provider: .openAICompatible, baseURL: "http://127.0.0.1:9/v1", model: "m")
        let clients = try JudgeEnsemble.clients(for: configuration, from: EndpointSet([endpoint]))
        #expect(Set(clients.rewardModels.keys) == ["rm/classify", "rm/score"])
        let paths = clients.rewardModels.values.compactMap { ($0 as? EndpointRewardModel)?.path }
        #expect(Set(paths) == ["/classify", "/score"])
    }

    @Test("with batch, a prompt's answers go several to a request and score as they do one by one")
    func batchedRequestsScoreLikeSingleOnes() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, embeddingDimensions: 2, threads: 2)) { server in
            let input = JudgingFixtures.input(responses: ["42", "41", "forty-two", "6 x 7 = 42", "It is 42."])
            let single = try await Self.ensemble(server, scorePath: "data.0.embedding.0", directory: directory).rate(input)
            #expect(server.stats().requests(path: "/v1/embeddings") == 5)
            let batched = try await Self.ensemble(server, scorePath: "data.*.embedding.0", directory: directory, batch: 2).rate(input)
            // 5 answers, 2 a request: 3 requests.
            #expect(server.stats().requests(path: "/v1/embeddings") == 5 + 3)
            #expect(batched.completions.map { $0.scores["rm"] } == single.completions.map { $0.scores["rm"] })
            #expect(batched.completions.allSatisfy { $0.scores["rm"] != nil })
            #expect(batched.agreement?.judges["rm"]?.calls == 3)
        }
    }

    /// A reward model that answers a batch with fewer items than it was sent.
    struct ShortAnswers: RewardModelClient {
        func post(_ body: JSONValue) async throws -> RewardModelResponse {
            RewardModelResponse(json: .object(["data": .array([.object(["score": .double(0.5)])])]), raw: #"{"data":[{"score":0.5}]}"#)
        }
    }

    @Test("a batched answer short of items fails the missing answers' votes, not the others")
    func aShortBatchedAnswerFailsOnlyTheMissingItems() async throws {
        let scorer = RewardModelScorer(
            name: "rm", configuration: RewardModelScorerConfiguration(endpoint: "rm", request: .text, scorePath: "data.*.score", batch: 3),
            client: ShortAnswers())
        let outcome = try await scorer.judge(JudgingFixtures.input(responses: ["a", "b"]))
        #expect(outcome.scores[0] == 0.5)
        #expect(outcome.scores[1] == nil)
        #expect(outcome.votes[1].first?.parse == .failed)
        #expect(outcome.votes[1].first?.detail == "no number at 'data.1.score'")
        #expect(outcome.calls.count == 1)
    }

    @Test("batch needs the text shape and a '*' in score_path; '*' needs batch", arguments: [
        ("request: chat\nbatch: 4\nscore_path: data.*.score", "batch"),
        ("request: text\nbatch: 4\nscore_path: data.0.score", "score_path"),
        ("request: text\nscore_path: data.*.score", "score_path"),
        ("request: text\nbatch: 0\nscore_path: data.*.score", "batch"),
    ])
    func batchMistakesNameTheirKey(_ keys: String, _ named: String) throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/reward.yaml"
        let judge = keys.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        try """
            schema: 1
            name: reward
            judges:
              - name: rm
                kind: reward_model
                endpoint: rm
            \(judge)
            aggregation: {method: weighted_mean, overall: fine_grained_mean}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try JudgeStage.offlineEnsemble(file: file, rubrics: JudgingFixtures.rubrics)
            Issue.record("\(keys) was accepted")
        } catch {
            #expect("\(error)".contains("judges[0].\(named)"), "\(error)")
        }
    }

    @Test("the text shape keeps the whole conversation: system prompt and earlier turns")
    func textShapeKeepsTheConversation() {
        #expect(RewardModelScorer.text([.user("Hi?")], response: "Hello.") == "Hi?\n\nHello.")
        let conversation: [ChatMessage] = [.system("Be brief."), .user("Name a color."), .assistant("Red."), .user("Another?")]
        #expect(RewardModelScorer.text(conversation, response: "Blue.") == """
            System: Be brief.

            User: Name a color.

            Assistant: Red.

            User: Another?

            Assistant: Blue.
            """)
    }
}
