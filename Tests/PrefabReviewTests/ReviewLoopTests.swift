import Foundation
import Prefab
import PrefabReview
import PrefabTestSupport
import Testing

@Suite("prefab review: the verdicts flow back")
struct ReviewLoopTests {
    static func stage(_ format: PairFormat, strategy: PairingStrategy = .bestVsRandom) throws -> PairStage {
        PairStage(
            options: PairingOptions(strategy: strategy, seed: 1), builder: try PairRowBuilder(format: format, strategy: strategy),
            split: try DatasetSplit(testRatio: 0))
    }

    static func rows(_ directory: String) throws -> [String: JSONObject] {
        var rows: [String: JSONObject] = [:]
        let cursor = try Shards.open(directory + "/train").cursor()
        while let row = try cursor.next() { rows[row["prompt_id"]?.stringValue ?? "row\(rows.count)"] = row }
        return rows
    }

    /// calm: the reviewer overturns the judges (B); split: a tie; failed: both bad; close: untouched.
    static func reviewedRun() async throws -> String {
        let run = try ReviewFixtures.makeRun()
        let store = try ReviewStore(runDirectory: run)
        _ = try await store.label(promptID: "calm", reviewer: "ann", verdict: .prefers(1), aspects: nil, note: "the short one is right")
        _ = try await store.label(promptID: "split", reviewer: "ann", verdict: .tie, aspects: nil, note: nil)
        _ = try await store.label(promptID: "failed", reviewer: "ann", verdict: .bothBad, aspects: nil, note: nil)
        return run
    }

    @Test func pairsTakeAReviewersPreferenceAndDropTheirTiesAndBothBads() async throws {
        let run = try await Self.reviewedRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let stage = try Self.stage(.h4).reviewed(besideRated: run + "/rated")
        let summary = try stage.run(rated: run + "/rated", output: run + "/pairs")
        #expect(summary.dropped == ["human_tie": 1, "human_both_bad": 1])
        #expect(summary.humanLabelled == 3)
        let rows = try Self.rows(run + "/pairs")
        #expect(Set(rows.keys) == ["calm", "close"])
        let calm = try #require(rows["calm"])
        #expect(calm["label_source"]?.stringValue == "human")
        #expect(calm["chosen_model"]?.stringValue == "m2" && calm["rejected_model"]?.stringValue == "m1")
        #expect(calm["margin"]?.doubleValue == -3, "the judges' scores stay, so the margin shows the overturn")
        #expect(rows["close"]?["label_source"]?.stringValue == "judges")
    }

    @Test func trainerFormatsKeepExactlyTheirKeysWhenReviewersDecide() async throws {
        let run = try await Self.reviewedRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        for format in [PairFormat.trl, .trlStandard, .rm, .kto, .ktoStandard] {
            let output = run + "/pairs-\(format.rawValue)"
            _ = try Self.stage(format).reviewed(besideRated: run + "/rated").run(rated: run + "/rated", output: output)
            let cursor = try Shards.open(output + "/train").cursor()
            var count = 0
            while let row = try cursor.next() {
                count += 1
                #expect(row.map(\.key) == format.columns.map(\.name), "\(format)")
                if format == .rm { #expect((row["margin"]?.doubleValue ?? -1) >= 0, "a reward model's margin is never negative") }
            }
            #expect(count > 0, "\(format)")
        }
        let sft = run + "/pairs-sft"
        let summary = try Self.stage(.sft, strategy: .bestOfN).reviewed(besideRated: run + "/rated").run(rated: run + "/rated", output: sft)
        #expect(summary.dropped == ["human_tie": 1, "human_both_bad": 1])
    }

    @Test func theExportIsAGoldSetThatEvalJudgesReads() async throws {
        let run = try await Self.reviewedRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let file = run + "/gold.jsonl"
        let written = try HumanGoldExport.write(runDirectory: run, to: file)
        #expect(written.pairs == 1 && written.skipped == 2)
        let gold = try GoldPair.load(file: file)
        #expect(gold.map(\.id) == ["calm"])
        #expect(gold[0].chosen == "Wrong." && gold[0].rejected == "Right.")
        #expect(gold[0].prompt == "Prompt calm?")
        #expect(gold[0].note?.contains("ann: B (the short one is right)") == true)
    }

    @Test func judgesAreMeasuredAgainstTheReviewersWithIntervals() async throws {
        let run = try await Self.reviewedRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let agreement = try #require(try HumanAgreement.measure(runDirectory: run))
        #expect(agreement.reviewed == 3)
        #expect(agreement.rows.map(\.judge) == ["ensemble", "j1", "j2"])
        let ensemble = agreement.rows[0]
        // calm: the reviewer prefers B, the ensemble A: wrong. split and failed: neither.
        #expect(ensemble.preferences == 1 && ensemble.agree == 0 && ensemble.accuracy == 0)
        #expect(agreement.overturned.map(\.promptID) == ["calm"])
        #expect(agreement.overturned.first?.judges == "A" && agreement.overturned.first?.human == "B")
        let interval = try #require(ensemble.accuracyInterval)
        #expect(interval.low == 0 && interval.high > 0.7, "one item says little: the interval is wide")
    }

    @Test func cohensKappaAndWilsonIntervalsMatchHandComputedValues() {
        // 6 agree on the first, 2 agree on neither, 2 where the human says first and the judge second.
        let pairs: [(human: Int, judge: Int)] = Array(repeating: (0, 0), count: 6) + Array(repeating: (2, 2), count: 2) + Array(repeating: (0, 1), count: 2)
        let (kappa, interval) = HumanAgreement.kappaForTesting(pairs)
        // pₒ = 0.8, pₑ = 0.8·0.6 + 0.2·0.2 = 0.52, κ = 0.28 / 0.48.
        #expect(abs((kappa ?? 0) - 0.28 / 0.48) < 1e-12)
        #expect(interval != nil)
        let wilson = HumanAgreement.wilsonForTesting(8, 10)
        #expect(abs(wilson.low - 0.4902) < 1e-3 && abs(wilson.high - 0.9433) < 1e-3)
    }

    @Test func theReportHasAHumanReviewSectionOnlyWhenTheRunWasReviewed() async throws {
        let plain = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let unreviewed = try await RunReport.build(runDirectory: plain, diversity: false)
        #expect(unreviewed.humanReview == nil)
        let run = try await Self.reviewedRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let report = try await RunReport.build(runDirectory: run, diversity: false)
        #expect(report.humanReview?.reviewed == 3)
        let html = try String(contentsOfFile: report.write(to: run).html, encoding: .utf8)
        #expect(html.contains("<h2 id=\"human-review\">Human review</h2>"))
        #expect(html.contains("Items where reviewers overturned the judges"))
    }
}
