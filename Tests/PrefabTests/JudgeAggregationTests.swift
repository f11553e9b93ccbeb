import Testing

@testable import Prefab

@Suite("Judge vote aggregation")
struct JudgeAggregationTests {
    static func votes(_ judge: String, _ aspect: String, _ rating: Double?, notApplicable: Bool = false, parse: JudgeVote.ParseStatus? = nil, rationale: String = "r") -> JudgeVote {
        JudgeVote(
            judge: judge, aspect: aspect, rating: rating, rationale: rationale, raw: "raw",
            parse: parse ?? (rating == nil && !notApplicable ? .failed : .ok), notApplicable: notApplicable)
    }

    static func completion(_ votes: [JudgeVote], response: String = "answer") -> RatedCompletion {
        RatedCompletion(model: "m", response: response, votes: votes)
    }

    @Test("each method combines votes as documented")
    func methods() {
        let votes: [(value: Double, weight: Double)] = [(2, 1), (4, 1), (5, 2)]
        #expect(AggregationMethod.weightedMean.combine(votes, scale: .oneToFive) == 4)  // (2 + 4 + 10) / 4
        #expect(AggregationMethod.median.combine(votes, scale: .oneToFive) == 4)
        #expect(AggregationMethod.median.combine([(1, 1), (2, 1), (4, 1), (5, 1)], scale: .oneToFive) == 3)
        #expect(AggregationMethod.majority.combine(votes, scale: .oneToFive) == 5)  // weight 2 behind 5
        #expect(AggregationMethod.majority.combine([(3, 1), (4, 1)], scale: .oneToFive) == 3)  // tie: the lower
        #expect(AggregationMethod.allPass.combine([(5, 1), (5, 1)], scale: .oneToFive) == 5)
        #expect(AggregationMethod.allPass.combine([(5, 1), (4, 1)], scale: .oneToFive) == 1)
        #expect(AggregationMethod.allPass.combine([(4, 1), (4, 1)], scale: .oneToFive, passThreshold: 4) == 5)
        #expect(AggregationMethod.weightedMean.combine([(3, 0)], scale: .oneToFive) == nil)  // weight 0 does not count
        #expect(AggregationMethod.median.combine([], scale: .oneToFive) == nil)
    }

    @Test("pairwise outcomes: disagreeing orders are a tie under every method")
    func outcomes() {
        for method in AggregationMethod.allCases {
            #expect(method.combineOutcomes([(1, 1), (0, 1)]) == 0.5, "\(method)")
            #expect(method.combineOutcomes([(1, 1), (1, 1)]) == 1, "\(method)")
        }
        #expect(AggregationMethod.majority.combineOutcomes([(1, 1), (1, 1), (0, 1)]) == 1)
        #expect(AggregationMethod.weightedMean.combineOutcomes([(1, 1), (1, 1), (0, 1)]) == 2.0 / 3)
    }

    @Test("annotations, N/A, unreadable and weight-0 votes, fine-grained mean")
    func annotations() throws {
        let aggregator = EnsembleAggregator(configuration: AggregationConfiguration(), judgeWeights: ["silent": 0])
        let completion = Self.completion([
            Self.votes("a", "helpfulness", 4), Self.votes("b", "helpfulness", 5, rationale: "good"),
            Self.votes("a", "honesty", nil, notApplicable: true), Self.votes("b", "honesty", nil, notApplicable: true),
            Self.votes("a", "truthfulness", nil), Self.votes("b", "truthfulness", nil),
            Self.votes("a", "instruction_following", 2), Self.votes("silent", "instruction_following", 5),
            Self.votes("silent", "style", 1),
        ])
        let result = try #require(aggregator.aggregate([completion]).first)
        #expect(result.annotations["helpfulness"]?.rating == "4.5")
        #expect(result.annotations["helpfulness"]?.rationale == "a: r\nb: good")
        #expect(result.annotations["honesty"]?.rating == "N/A")
        #expect(result.annotations["truthfulness"]?.rating == "")  // every judge failed: recorded, not guessed
        #expect(result.annotations["instruction_following"]?.rating == "2")  // the weight-0 judge does not count
        #expect(result.annotations["style"] == nil)  // only a weight-0 judge voted
        // Mean of the readable aspects: (4.5 + 2) / 2.
        #expect(result.fineGrainedScore == 3.25)
        #expect(result.overallScore == 3.25)
        #expect(result.votes.count == 9)  // every vote is kept
    }

    @Test("aspect weights, per-aspect methods and required aspects")
    func weightsAndRequire() throws {
        let configuration = AggregationConfiguration(
            method: .weightedMean, aspects: ["correctness": AspectAggregation(method: .allPass, passThreshold: 5)],
            aspectWeights: ["correctness": 2, "helpfulness": 1], require: ["correctness"])
        let aggregator = EnsembleAggregator(configuration: configuration)
        let passing = Self.completion([Self.votes("ref", "correctness", 5), Self.votes("llm", "helpfulness", 2), Self.votes("llm", "honesty", 1)])
        let failing = Self.completion([Self.votes("ref", "correctness", 1), Self.votes("llm", "helpfulness", 5)])
        let unchecked = Self.completion([Self.votes("ref", "correctness", nil, parse: .skipped), Self.votes("llm", "helpfulness", 4)])
        let results = aggregator.aggregate([passing, failing, unchecked])
        // (2 × 5 + 1 × 2) / 3; honesty has no weight.
        #expect(results[0].fineGrainedScore == 4)
        #expect(results[0].annotations["honesty"]?.rating == "1")  // recorded even without weight
        #expect(results[0].flags.isEmpty)
        #expect(results[1].annotations["correctness"]?.rating == "1")
        #expect(results[1].flags == ["required_failed:correctness"])
        #expect(results[1].overallScore == 1)
        #expect(results[1].fineGrainedScore == (2.0 + 5) / 3)
        // No reference: the check did not apply, so the requirement does not either.
        #expect(results[2].annotations["correctness"] == nil)
        #expect(results[2].flags.isEmpty)
        #expect(results[2].overallScore == 4)
    }

    @Test("critique rubrics give the critique and, when configured, the overall score")
    func critique() throws {
        let aggregator = EnsembleAggregator(
            configuration: AggregationConfiguration(overall: .critique), scales: ["overall": .oneToTen], critiqueAspects: ["overall"])
        let result = try #require(aggregator.aggregate([Self.completion([
            Self.votes("c", "overall", 7, rationale: "Too short."), Self.votes("c", "helpfulness", 3),
        ])]).first)
        #expect(result.critique == "Too short.")
        #expect(result.overallScore == 7)
        #expect(result.annotations.keys.sorted() == ["helpfulness"])
        #expect(result.fineGrainedScore == 3)
    }

    @Test("win rates come from both orders of every pair; per-judge scores too")
    func winRates() throws {
        func verdict(_ judge: String, _ outcome: Double?, position: Int, opponent: Int) -> JudgeVote {
            JudgeVote(judge: judge, aspect: "overall", rating: outcome, position: position, raw: "", parse: outcome == nil ? .failed : .ok, opponent: opponent)
        }
        let aggregator = EnsembleAggregator(configuration: AggregationConfiguration(method: .majority, overall: .winRate))
        // Completion 0 beats 1 in both orders; 0 vs 2 disagrees across orders (a tie); 1 vs 2: one order failed.
        let completions = [
            Self.completion([
                verdict("p", 1, position: 0, opponent: 1), verdict("p", 1, position: 1, opponent: 1),
                verdict("p", 1, position: 0, opponent: 2), verdict("p", 0, position: 1, opponent: 2),
            ]),
            Self.completion([
                verdict("p", 0, position: 1, opponent: 0), verdict("p", 0, position: 0, opponent: 0),
                verdict("p", 1, position: 0, opponent: 2), verdict("p", nil, position: 1, opponent: 2),
            ]),
            Self.completion([
                verdict("p", 0, position: 1, opponent: 0), verdict("p", 1, position: 0, opponent: 0),
                verdict("p", 0, position: 1, opponent: 1), verdict("p", nil, position: 0, opponent: 1),
            ]),
        ]
        let results = aggregator.aggregate(completions)
        #expect(results.map(\.overallScore) == [0.75, 0.5, 0.25])
        #expect(results.map { $0.scores["p"] } == [0.75, 0.5, 0.25])
        #expect(results.allSatisfy { $0.annotations.isEmpty && $0.fineGrainedScore == nil })
    }

    @Test("a record re-aggregates from its votes alone")
    func reaggregate() throws {
        let aggregator = EnsembleAggregator(configuration: AggregationConfiguration(method: .median))
        let once = aggregator.aggregate([Self.completion([Self.votes("a", "helpfulness", 1), Self.votes("b", "helpfulness", 3), Self.votes("c", "helpfulness", 4)])])
        let twice = aggregator.aggregate(once)
        #expect(once == twice)
        #expect(once[0].annotations["helpfulness"]?.rating == "3")
    }
}
