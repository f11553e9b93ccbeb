import Foundation
import Prefab
import PrefabReview
import PrefabSimulator
import PrefabTestSupport
import Testing

/// `prefab eval-judges --human RUN_DIR --judges A --judges B` as the built binary: the run's
/// recorded votes against the reviewers, and each named ensemble asking its judges (prefab-sim)
/// about the reviewed preferences again, through the response cache.
@Suite("prefab eval-judges --human", .timeLimit(.minutes(10)))
struct ReviewEvalJudgesTests {
    static let repository = BuiltProduct.repositoryRoot

    /// calm: the reviewer overturns the judges (B); close: agrees (A); split: a tie (no right answer).
    static func reviewedRun() async throws -> String {
        let run = try ReviewFixtures.makeRun()
        let store = try ReviewStore(runDirectory: run)
        _ = try await store.label(
            promptID: "calm", reviewer: "ann", verdict: .prefers(1), aspects: ["A/helpfulness": 5, "B/helpfulness": 2], note: nil)
        _ = try await store.label(promptID: "close", reviewer: "ann", verdict: .prefers(0), aspects: ["A/helpfulness": 4], note: nil)
        _ = try await store.label(promptID: "split", reviewer: "ann", verdict: .tie, aspects: nil, note: nil)
        return run
    }

    @Test func eachNamedEnsembleRatesTheReviewedPreferencesAgainAndIsReportedBesideTheRecordedVotes() async throws {
        let run = try await Self.reviewedRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let prefab = try BuiltProduct.path("prefab")
        try await SimulatorHarness.run(SimulatorConfiguration(seed: 5, threads: 2)) { server in
            try "endpoints:\n  - {name: judge, provider: openai-compatible, base_url: \"\(server.baseURL)/v1\", model: sim-model}\n"
                .write(toFile: run + "/endpoints.yaml", atomically: true, encoding: .utf8)
            let arguments = [
                "eval-judges", "--human", run, "--judges", Self.repository + "/judges/ultrafeedback.yaml",
                "--judges", Self.repository + "/judges/pairwise.yaml", "--endpoints", run + "/endpoints.yaml", "--cache", run + "/cache.sqlite",
            ]
            let table = try await runProcess(prefab, arguments)
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("Recorded votes against the reviewers"))
            for name in ["ultrafeedback", "pairwise", "uf-judge", "pair-judge"] { #expect(table.stdout.contains(name), "\(name)") }

            let json = try await runProcess(prefab, arguments + ["--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let evaluation = try JSONDecoder().decode(HumanEvaluation.self, from: Data(json.stdout.utf8))
            #expect(evaluation.recorded.reviewed == 3)
            #expect(evaluation.recorded.rows.map(\.judge) == ["ensemble", "j1", "j2"])
            let ensembles = try #require(evaluation.ensembles)
            // The two preferences are the gold pairs; the tie has no right answer.
            #expect(ensembles.pairs == 2)
            #expect(ensembles.rows.map { "\($0.ensemble)/\($0.judge ?? "*")" } == [
                "ultrafeedback/*", "ultrafeedback/uf-judge", "pairwise/*", "pairwise/pair-judge",
            ])
            for row in ensembles.rows {
                #expect(row.pairs == 2, "\(row.ensemble)/\(row.judge ?? "*")")
                #expect(row.correct + row.wrong + row.ties + row.failed == 2, "\(row.ensemble)/\(row.judge ?? "*")")
                #expect(row.accuracy != nil || row.failed == 2, "\(row.ensemble)/\(row.judge ?? "*")")
            }
            let ultrafeedback = ensembles.rows[0]
            let pairwise = ensembles.rows[2]
            #expect(ultrafeedback.calls == 8)  // 4 aspects × 2 pairs
            #expect(pairwise.calls == 4)  // 2 orders × 2 pairs
            #expect(pairwise.positionConsistency != nil && ultrafeedback.positionConsistency == nil)
            // Asked again through the cache: the second run paid for nothing.
            #expect(ensembles.rows.filter { $0.judge == nil }.allSatisfy { $0.cachedCalls == $0.calls })

            // Without --judges: the recorded figures alone, the same document with no ensembles.
            let alone = try await runProcess(prefab, ["eval-judges", "--human", run, "--json"])
            #expect(alone.status == 0, "\(alone.stderr)")
            let recorded = try JSONDecoder().decode(HumanEvaluation.self, from: Data(alone.stdout.utf8))
            #expect(recorded.ensembles == nil && recorded.recorded.reviewed == 3)
        }
    }

    @Test func reviewersAspectRatingsAreMeasuredAgainstTheJudgesAndCarriedByTheGoldRows() async throws {
        let run = try await Self.reviewedRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let agreement = try #require(try HumanAgreement.measure(runDirectory: run))
        // calm: A 5 (judges 5, 5), B 2 (judges 2, 2); close: A 4 (judges 3.5, 3.5; the ensemble's rating "4").
        #expect(agreement.aspects.map { "\($0.judge)/\($0.aspect)" } == ["ensemble/helpfulness", "j1/helpfulness", "j2/helpfulness"])
        let j1 = agreement.aspects[1]
        #expect(j1.ratings == 3)
        #expect(abs((j1.meanAbsoluteDifference ?? 0) - 0.5 / 3) < 1e-9)
        #expect(j1.withinOne == 1)
        #expect(j1.correlation.map { $0 > 0.9 } == true)
        #expect(agreement.table().contains("aspect ratings against the reviewers'"))

        let file = run + "/gold.jsonl"
        _ = try HumanGoldExport.write(runDirectory: run, to: file)
        let gold = try GoldPair.load(file: file)
        let calm = try #require(gold.first { $0.id == "calm" })
        // The reviewer chose B: B's ratings are the chosen side's.
        #expect(calm.ratings == GoldPair.Ratings(chosen: ["helpfulness": 2], rejected: ["helpfulness": 5]))

        let report = try await RunReport.build(runDirectory: run, diversity: false)
        let html = try String(contentsOfFile: report.write(to: run).html, encoding: .utf8)
        #expect(html.contains("Aspect ratings against the reviewers"))
    }
}
