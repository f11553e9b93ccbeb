import Foundation
import Testing

@testable import Prefab

/// Position bias in `multi` mode: P(rated higher | position) in the agreement figures, and
/// `shuffles: n` showing every completion in several positions and averaging its ratings.
@Suite("Position bias in multi mode")
struct JudgePositionBiasTests {
    /// A judge that rates whatever it was shown last highest: A 1, B 3, C 5.
    static func prefersLast() -> ScriptedChatClient {
        ScriptedChatClient([ScriptedChatClient.answer(
            #"{"A": {"rating": 1, "rationale": "a"}, "B": {"rating": 3, "rationale": "b"}, "C": {"rating": 5, "rationale": "c"}}"#)])
    }

    static let identical = ["42", "42", "42"]

    static func rate(_ client: ScriptedChatClient, shuffles: Int, retries: Int = 2, responses: [String] = identical) async throws -> RatedRecord {
        try await JudgeLLMTests.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty"], mode: .multi, shuffles: shuffles, retries: retries), client: client
        ).rate(JudgingFixtures.input(responses: responses))
    }

    @Test("a judge that always prefers the last answer shows P(rated higher | last position) = 1")
    func lastPositionShows() async throws {
        let record = try await Self.rate(Self.prefersLast(), shuffles: 1, responses: JudgingFixtures.threeAnswers)
        let figures = try #require(record.agreement?.judges["j"])
        // Position 0 loses both its comparisons, 1 wins one of two, 2 wins both.
        #expect(figures.comparisonsByPosition == [2, 2, 2])
        #expect(figures.higherByPosition == [0, 1, 2])
        #expect(figures.ratedHigherByPosition == [0, 0.5, 1])
        let json = try JudgingFixtures.json(record)
        #expect(json.contains(#""rated_higher_by_position":[0,0.5,1]"#))
    }

    @Test("with shuffles: k each answer is shown once at every position, and identical answers get equal ratings")
    func shufflesAverageOut() async throws {
        let biased = try await Self.rate(Self.prefersLast(), shuffles: 1)
        #expect(Set(biased.completions.compactMap { $0.annotations["honesty"]?.score }) == [1, 3, 5])

        let client = Self.prefersLast()
        let record = try await Self.rate(client, shuffles: 3)
        #expect(client.requests.count == 3)
        #expect(Set(client.requests.map { $0.parameters.seed }).count == 3, "each order is its own request")
        for completion in record.completions {
            #expect(completion.annotations["honesty"]?.score == 3)
            #expect(completion.overallScore == 3)
            #expect(completion.votes.map(\.shuffle) == [0, 1, 2])
            #expect(Set(completion.votes.compactMap(\.position)) == [0, 1, 2])
        }
        // The figures still show the preference: they are per call, not per averaged rating.
        let figures = try #require(record.agreement?.judges["j"])
        #expect(figures.ratedHigherByPosition == [0, 0.5, 1])
        #expect(figures.comparisonsByPosition == [6, 6, 6])
        #expect(figures.calls == 3)
        // Stored votes re-aggregate to the same ratings.
        let again = EnsembleAggregator(configuration: AggregationConfiguration()).aggregate(record.completions)
        #expect(again.map { $0.annotations["honesty"]?.score } == [3, 3, 3])
    }

    @Test("shuffle 0 asks exactly what a judge with one order asks, so caches and outputs of shuffles: 1 stay valid")
    func firstShuffleIsTheSingleOrder() async throws {
        let single = Self.prefersLast()
        let one = try await Self.rate(single, shuffles: 1, responses: JudgingFixtures.threeAnswers)
        let several = Self.prefersLast()
        _ = try await Self.rate(several, shuffles: 4, responses: JudgingFixtures.threeAnswers)
        let asked = try #require(single.requests.first)
        #expect(several.requests.contains { $0.messages == asked.messages && $0.parameters.seed == asked.parameters.seed })
        #expect(several.requests.count == 4)
        #expect(Set(several.requests.map { $0.messages.last!.content }).count >= 3, "the first k orders all differ")
        // One order records no shuffle index: the record's bytes are what they were.
        #expect(one.completions.allSatisfy { $0.votes.allSatisfy { $0.shuffle == nil } })
        #expect(!(try JudgingFixtures.json(one)).contains(#""shuffle""#))
    }

    @Test("an unreadable order leaves the aspect unread and the answer incomplete, never a mean of the other orders")
    func failedOrderIsIncomplete() async throws {
        let client = ScriptedChatClient([
            ScriptedChatClient.answer("I cannot decide."),
            ScriptedChatClient.answer(#"{"A": {"rating": 1, "rationale": "a"}, "B": {"rating": 3, "rationale": "b"}, "C": {"rating": 5, "rationale": "c"}}"#),
        ])
        let record = try await Self.rate(client, shuffles: 3, retries: 0)
        #expect(client.requests.count == 3)
        for completion in record.completions {
            #expect(completion.votes.filter { $0.parse == .failed }.count == 1)
            #expect(completion.annotations["honesty"]?.score == nil)
            #expect(completion.overallScore == nil)
            #expect(completion.flags.contains(EnsembleAggregator.incompleteFlag + "honesty"))
        }
    }

    @Test("an order that says N/A leaves the mean over the orders that rated")
    func notApplicableOrder() {
        func vote(_ rating: Double?, shuffle: Int, notApplicable: Bool = false) -> JudgeVote {
            JudgeVote(judge: "j", aspect: "honesty", rating: rating, raw: "", parse: .ok, notApplicable: notApplicable, shuffle: shuffle)
        }
        #expect(EnsembleAggregator.reading([vote(2, shuffle: 0), vote(nil, shuffle: 1, notApplicable: true), vote(4, shuffle: 2)]) == .rating(3))
        #expect(EnsembleAggregator.reading([vote(nil, shuffle: 0, notApplicable: true), vote(nil, shuffle: 1, notApplicable: true)]) == .notApplicable)
        var failed = vote(nil, shuffle: 1)
        failed.parse = .failed
        #expect(EnsembleAggregator.reading([vote(2, shuffle: 0), failed]) == nil)
        // Samples within an order are averaged first, then the orders: 2 and mean(4, 6).
        #expect(EnsembleAggregator.reading([vote(2, shuffle: 0), vote(4, shuffle: 1), vote(6, shuffle: 1)]) == .rating(3.5))
    }

    @Test("shuffles blocks past k draw a new permutation and rotate it, so every block is balanced")
    func ordersAreBalanced() throws {
        let rubric = try JudgingFixtures.rubrics.rubric(named: "honesty")
        let judge = LLMJudge(
            name: "j", configuration: LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty"], mode: .multi, shuffles: 6),
            rubrics: [rubric], templates: [:], systemTemplate: nil, client: Self.prefersLast(), runSeed: 7)
        let input = JudgingFixtures.input(responses: JudgingFixtures.threeAnswers)
        let orders = (0..<6).map { judge.shownOrder(input, rubric: rubric, shuffle: $0) }
        for block in [orders[0..<3], orders[3..<6]] {
            for position in 0..<3 { #expect(Set(block.map { $0[position] }) == [0, 1, 2]) }
        }
        var generator = SeededGenerator(seed: 7, input.promptID, "j", "honesty", "shuffle")
        #expect(orders[0] == [0, 1, 2].shuffled(using: &generator))
    }

    @Test("shuffles is checked: 1...16, multi mode only, and not with shuffle: false")
    func configurationErrors() throws {
        let base = """
            schema: 1
            name: broken
            judges:
              - name: j
                kind: llm
                endpoint: judge
                rubrics: [helpfulness]
                mode: multi
            """
        let tail = "\naggregation: {method: median}\n"
        let zero = try JudgeConfigurationTests.loadError(base + "\n    shuffles: 0" + tail)
        #expect(zero.contains("judges[0].shuffles") && zero.contains("1...16"))
        let single = try JudgeConfigurationTests.loadError(base.replacingOccurrences(of: "mode: multi", with: "mode: single") + "\n    shuffles: 2" + tail)
        #expect(single.contains("judges[0].shuffles") && single.contains("multi mode only"))
        let unshuffled = try JudgeConfigurationTests.loadError(base + "\n    shuffle: false\n    shuffles: 2" + tail)
        #expect(unshuffled.contains("judges[0].shuffles") && unshuffled.contains("shuffle: true"))
        let path = try JudgeConfigurationTests.write(base + "\n    shuffles: 3" + tail)
        let ensemble = try JudgeEnsemble.load(file: path, clients: JudgeConfigurationTests.clients, rubrics: JudgingFixtures.rubrics)
        guard case .llm(let llm) = ensemble.configuration.judges[0].kind else {
            Issue.record("not an LLM judge")
            return
        }
        #expect(llm.shuffles == 3)
    }

    @Test("against the simulator, shuffles: 3 makes three calls per rubric and shows every answer at every position")
    func simulator() async throws {
        let path = try JudgeConfigurationTests.write("""
            schema: 1
            name: shuffled
            judges:
              - {name: uf, kind: llm, endpoint: judge, rubrics: [honesty, helpfulness], mode: multi, shuffles: 3}
            aggregation: {method: weighted_mean}
            """)
        try await JudgingFixtures.withSimulator { server in
            let ensemble = try JudgeEnsemble.load(
                file: path, endpoints: EndpointSet([JudgingFixtures.endpoint(server)]), rubrics: JudgingFixtures.rubrics, seed: 7)
            let record = try await ensemble.rate(JudgingFixtures.input(responses: JudgingFixtures.threeAnswers))
            #expect(server.stats().structuredRequests == 6)
            let figures = try #require(record.agreement?.judges["uf"])
            #expect(figures.calls == 6)
            #expect(figures.comparisonsByPosition.count == 3)
            for completion in record.completions {
                for aspect in ["honesty", "helpfulness"] {
                    let votes = completion.votes.filter { $0.aspect == aspect }
                    #expect(votes.map(\.shuffle) == [0, 1, 2])
                    #expect(Set(votes.compactMap(\.position)) == [0, 1, 2])
                    let mean = votes.compactMap(\.rating).reduce(0, +) / 3
                    #expect(abs((completion.annotations[aspect]?.score ?? 0) - mean) < 1e-4)
                }
            }
        }
    }

    @Test("the dry-run estimate counts one call per order")
    func estimateCountsShuffles() {
        let judge = LLMJudgeConfiguration(endpoint: "judge", rubrics: ["honesty", "helpfulness"], mode: .multi, shuffles: 3)
        #expect(RunEstimate.judgeCalls(judge, completions: 4, rubrics: JudgingFixtures.rubrics) == 6)
    }

    @Test("pairwise verdicts give P(rated higher | A) and P(rated higher | B)")
    func pairwisePositions() async throws {
        let client = ScriptedChatClient([ScriptedChatClient.answer(#"{"verdict": "B", "rationale": "second"}"#)])
        let record = try await JudgeLLMTests.ensemble(
            LLMJudgeConfiguration(endpoint: "judge", rubrics: ["overall"], mode: .pairwise), client: client,
            aggregation: AggregationConfiguration(method: .majority, overall: .winRate)
        ).rate(JudgingFixtures.input(responses: ["a", "b", "c"]))
        let figures = try #require(record.agreement?.judges["j"])
        #expect(figures.ratedHigherByPosition == [0, 1])
        #expect(figures.comparisonsByPosition == [6, 6])
    }
}
