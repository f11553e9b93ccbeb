import Foundation
import Testing

@testable import Prefab

/// An answer whose ratings are partial (an aspect the ensemble rates came back unreadable or not
/// at all) gets no score and is treated as missing by pairing; stored shards are repaired from
/// their votes without calling a judge.
@Suite("Incomplete ratings")
struct IncompleteRatingsTests {
    typealias A = JudgeAggregationTests
    static let aspects = ["helpfulness", "honesty", "instruction_following", "truthfulness"]

    /// The four UltraFeedback aspects from `uf-judge`, with `failed` unreadable and `notApplicable` N/A.
    static func ufVotes(_ ratings: [String: Double], failed: Set<String> = [], notApplicable: Set<String> = []) -> [JudgeVote] {
        aspects.map { aspect in
            if failed.contains(aspect) { return A.votes("uf-judge", aspect, nil) }
            if notApplicable.contains(aspect) { return A.votes("uf-judge", aspect, nil, notApplicable: true) }
            return A.votes("uf-judge", aspect, ratings[aspect] ?? 3)
        }
    }

    static var aggregator: EnsembleAggregator {
        EnsembleAggregator(configuration: AggregationConfiguration(), ratedAspects: Set(aspects))
    }

    @Test("an answer with an unreadable aspect gets no fine-grained or overall score and a flag per missing aspect")
    func unreadableAspectRemovesTheScores() throws {
        let partial = A.completion(Self.ufVotes(["helpfulness": 5], failed: ["honesty", "truthfulness", "instruction_following"]))
        let result = try #require(Self.aggregator.aggregate([partial]).first)
        #expect(result.fineGrainedScore == nil)
        #expect(result.overallScore == nil)
        #expect(result.flags == ["incomplete:honesty", "incomplete:instruction_following", "incomplete:truthfulness"])
        // What could be read stays recorded, for audit.
        #expect(result.annotations["helpfulness"]?.rating == "5")
        #expect(result.annotations["honesty"]?.rating == "")
    }

    @Test("an aspect with no vote at all is missing too")
    func absentAspectIsMissing() throws {
        let votes = Self.ufVotes([:]).filter { $0.aspect != "honesty" }
        let result = try #require(Self.aggregator.aggregate([A.completion(votes)]).first)
        #expect(result.fineGrainedScore == nil)
        #expect(result.flags == ["incomplete:honesty"])
    }

    @Test("N/A is a reading, not a gap: the mean skips it and the answer keeps its score")
    func notApplicableIsNotMissing() throws {
        let creative = A.completion(Self.ufVotes(["helpfulness": 5, "truthfulness": 4, "instruction_following": 3], notApplicable: ["honesty"]))
        let result = try #require(Self.aggregator.aggregate([creative]).first)
        #expect(result.annotations["honesty"]?.rating == "N/A")
        #expect(result.fineGrainedScore == 4)
        #expect(result.overallScore == 4)
        #expect(result.flags.isEmpty)
    }

    @Test("one juror's failure is covered by the others; re-aggregating clears stale flags")
    func anotherJurorCoversAFailure() throws {
        let aggregator = EnsembleAggregator(configuration: AggregationConfiguration(), ratedAspects: ["helpfulness"])
        let covered = A.completion([A.votes("a", "helpfulness", nil), A.votes("b", "helpfulness", 4)])
        var stale = covered
        stale.flags = ["incomplete:helpfulness", "truncated"]
        let results = aggregator.aggregate([covered, stale])
        #expect(results.map(\.fineGrainedScore) == [4, 4])
        #expect(results.map(\.flags) == [[], ["truncated"]])
    }

    @Test("a failed required aspect does not give an incomplete answer the floor score")
    func incompleteOutranksTheRequireFloor() throws {
        let aggregator = EnsembleAggregator(
            configuration: AggregationConfiguration(require: ["correctness"]), ratedAspects: ["helpfulness", "honesty"])
        let completion = A.completion([A.votes("ref", "correctness", 1), A.votes("llm", "helpfulness", 4), A.votes("llm", "honesty", nil)])
        let result = try #require(aggregator.aggregate([completion]).first)
        #expect(result.flags == ["required_failed:correctness", "incomplete:honesty"])
        #expect(result.overallScore == nil)
        #expect(result.fineGrainedScore == nil)
    }

    @Test("the ensemble expects every rubric of its counted, non-pairwise LLM judges")
    func ratedAspectsComeFromTheEnsemble() throws {
        let configuration = try ConfigDocument(contentsOf: JudgingFixtures.ensembleFile("jury")).decode(EnsembleConfiguration.self)
        #expect(EnsembleAggregator.ratedAspects(of: configuration) == Set(Self.aspects))  // the length scorer is not expected
        let pairwise = try ConfigDocument(contentsOf: JudgingFixtures.ensembleFile("pairwise")).decode(EnsembleConfiguration.self)
        #expect(EnsembleAggregator.ratedAspects(of: pairwise).isEmpty)
        let verifiable = try ConfigDocument(contentsOf: JudgingFixtures.ensembleFile("verifiable")).decode(EnsembleConfiguration.self)
        #expect(EnsembleAggregator.ratedAspects(of: verifiable) == ["truthfulness", "helpfulness"])  // correctness stays a `require` gate
        let loaded = try JudgeStage.offlineEnsemble(file: JudgingFixtures.ensembleFile("ultrafeedback"), rubrics: JudgingFixtures.rubrics)
        #expect(loaded.aggregator.ratedAspects == Set(Self.aspects))
    }

    @Test("pairing counts an incomplete answer as missing: skipped, or its prompt dropped")
    func pairingTreatsIncompleteAsMissing() throws {
        let record = Self.record("p", [
            Self.ufVotes(["helpfulness": 5], failed: ["honesty", "truthfulness", "instruction_following"]),
            Self.ufVotes(["helpfulness": 4, "honesty": 4, "truthfulness": 4, "instruction_following": 4]),
            Self.ufVotes(["helpfulness": 1, "honesty": 1, "truthfulness": 1, "instruction_following": 1]),
        ], aggregator: Self.aggregator)
        let skip = PairingFixtures.pairs(Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: record))
        #expect(skip.map { [$0.chosen.index, $0.rejected.index] } == [[1, 2]])
        #expect(Pairer(options: PairingOptions(missingScores: .dropPrompt)).outcome(for: record) == .dropped(.incompleteRatings))
    }

    /// A rated record of three answers to one question, aggregated by `aggregator`.
    static func record(_ id: String, _ votes: [[JudgeVote]], aggregator: EnsembleAggregator) -> RatedRecord {
        let completions = votes.enumerated().map { index, votes in A.completion(votes, response: "answer \(index) to \(id)") }
        return RatedRecord(
            source: "test", instruction: "Question \(id)?", models: completions.map(\.model),
            completions: aggregator.aggregate(completions), promptID: id, messages: [.user("Question \(id)?")], ensemble: "ultrafeedback")
    }

    /// Rated records as the old aggregation wrote them: the partial answer scored by the mean of
    /// what was left (3 of 4 aspects unreadable still gave 5).
    static func oldShards() -> [RatedRecord] {
        let old = EnsembleAggregator(configuration: AggregationConfiguration())
        return [
            record("p0", [
                ufVotes(["helpfulness": 5], failed: ["honesty", "truthfulness", "instruction_following"]),
                ufVotes(["helpfulness": 4, "honesty": 4, "truthfulness": 4, "instruction_following": 4]),
                ufVotes(["helpfulness": 2, "honesty": 2, "truthfulness": 2, "instruction_following": 2]),
            ], aggregator: old),
            record("p1", [
                ufVotes(["helpfulness": 5, "truthfulness": 5, "instruction_following": 5], notApplicable: ["honesty"]),
                ufVotes(["helpfulness": 2, "honesty": 2, "truthfulness": 2, "instruction_following": 2]),
            ], aggregator: old),
        ]
    }

    @Test("judge --reaggregate repairs stored shards from their votes, calling no endpoint")
    func reaggregateRepairsShards() async throws {
        let root = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let records = Self.oldShards()
        #expect(records[0].completions[0].fineGrainedScore == 5)  // the partial answer outranked a complete one
        try PairsRunTests.writeRated(records, to: root + "/rated")
        // No endpoints file: the default local server is named but never called.
        let result = try await JudgingFixtures.run([
            "judge", "--reaggregate", root + "/rated", "--judges", JudgingFixtures.ensembleFile("ultrafeedback"), "--out", root + "/fixed",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("re-aggregated 2 prompts with ultrafeedback"))
        let fixed = try JudgingFixtures.readAll(root + "/fixed")
        #expect(fixed.map(\.promptID) == ["p0", "p1"])
        #expect(fixed[0].completions.map(\.fineGrainedScore) == [nil, 4, 2])
        #expect(fixed[0].completions[0].flags == ["incomplete:honesty", "incomplete:instruction_following", "incomplete:truthfulness"])
        #expect(fixed[1].completions.map(\.fineGrainedScore) == [5, 2])  // N/A honesty is not missing
        #expect(fixed[0].completions.map(\.votes) == records[0].completions.map(\.votes))
        #expect(try JudgingFixtures.json(JudgingFixtures.readAll(root + "/fixed/mds")) == JudgingFixtures.json(fixed))
        let report = try JSONDecoder().decode(
            JudgeStageSummary.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/fixed/" + JudgeStage.reportName)))
        #expect(report.prompts == 2 && report.rated == 2 && report.failures.isEmpty)
        #expect(report.agreement.judges["uf-judge"]?.parseFailures == 3)

        // Pairing over the repaired shards drops the prompt whose answer is incomplete.
        let pairs = try await JudgingFixtures.run(["pairs", "--rated", root + "/fixed", "--missing", "drop-prompt", "--out", root + "/pairs"])
        #expect(pairs.status == 0, "\(pairs.stderr)")
        #expect(pairs.stdout.contains("incomplete_ratings 1"))
    }

    @Test("re-aggregation refuses votes from judges the ensemble lacks, and writing over its input")
    func reaggregationChecksItsInputs() async throws {
        let root = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PairsRunTests.writeRated(Self.oldShards(), to: root + "/rated")
        let pairwise = try JudgeStage.offlineEnsemble(file: JudgingFixtures.ensembleFile("pairwise"), rubrics: JudgingFixtures.rubrics)
        #expect {
            try JudgeStage(ensemble: pairwise).reaggregate(rated: root + "/rated", output: root + "/out")
        } throws: { error in
            "\(error)".contains("judge 'uf-judge'") && "\(error)".contains("--judges")
        }
        let ultrafeedback = try JudgeStage.offlineEnsemble(file: JudgingFixtures.ensembleFile("ultrafeedback"), rubrics: JudgingFixtures.rubrics)
        #expect(throws: ReaggregationError.self) {
            try JudgeStage(ensemble: ultrafeedback).reaggregate(rated: root + "/rated", output: root + "/rated/")
        }
        let both = try await JudgingFixtures.run([
            "judge", "--samples", root + "/rated", "--reaggregate", root + "/rated", "--judges", JudgingFixtures.ensembleFile("ultrafeedback"),
            "--out", root + "/x",
        ])
        #expect(both.status != 0)
        #expect(both.stderr.contains("not both"))
    }
}
