import Foundation
import Prefab
import PrefabReview
import Testing

@Suite("prefab review: labels in review.sqlite")
struct ReviewLabelTests {
    @Test func aLabelIsOnDiskTheMomentItIsSavedAndSurvivesReopening() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try ReviewStore(runDirectory: run)
        let label = try await store.label(promptID: "split", reviewer: "ann", verdict: .prefers(1), aspects: nil, note: "two is right")
        // Another connection (as `prefab pairs` opens it, read-only) sees it without the store closing.
        let verdicts = try #require(try HumanVerdicts.load(runDirectory: run))
        #expect(verdicts.verdict(for: "split") == .prefers(1))
        #expect(verdicts.labels["split"]?.first == label)
        let reopened = try ReviewStore(runDirectory: run)
        #expect(try await reopened.labels(promptID: "split").map(\.verdict) == ["B"])
    }

    @Test func undoTakesBackTheReviewersLatestLabelAndTheirEarlierOneStandsAgain() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try ReviewStore(runDirectory: run)
        _ = try await store.label(promptID: "split", reviewer: "ann", verdict: .prefers(0), aspects: nil, note: nil)
        _ = try await store.label(promptID: "split", reviewer: "ann", verdict: .tie, aspects: nil, note: nil)
        _ = try await store.label(promptID: "close", reviewer: "bob", verdict: .bothBad, aspects: nil, note: nil)
        let undone = try await store.undo(reviewer: "ann")
        #expect(undone?.verdict == "tie")
        #expect(try await store.labels(promptID: "split").map(\.verdict) == ["A"])
        #expect(try await store.labels(promptID: "close").map(\.verdict) == ["both_bad"], "undo takes back only the reviewer's own labels")
        _ = try await store.undo(reviewer: "ann")
        #expect(try await store.labels(promptID: "split").isEmpty)
        #expect(try await store.undo(reviewer: "ann") == nil)
        let progress = try await store.progress(reviewer: "ann")
        #expect(progress.reviewed == 1 && progress.mine == 0)
    }

    @Test func reviewersWhoDisagreeAreAConflictAndTheJudgesLabelsStand() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try ReviewStore(runDirectory: run)
        // Many clicks at once from two reviewers: each is written, none lost.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (reviewer, verdict) in [("ann", HumanVerdict.prefers(0)), ("bob", .prefers(1))] {
                for item in ["split", "close", "failed", "calm"] {
                    group.addTask { _ = try await store.label(promptID: item, reviewer: reviewer, verdict: item == "calm" ? .prefers(0) : verdict, aspects: nil, note: nil) }
                }
            }
            try await group.waitForAll()
        }
        let verdicts = try await store.verdicts()
        #expect(verdicts.conflicts == ["split", "close", "failed"])
        #expect(verdicts.verdicts == ["calm": .prefers(0)])
        #expect(verdicts.labels.values.map(\.count).reduce(0, +) == 8)
    }

    @Test func verdictsReadBackFromTheirLabels() {
        for verdict in [HumanVerdict.prefers(0), .prefers(25), .tie, .bothBad] {
            #expect(HumanVerdict(label: verdict.label) == verdict)
        }
        #expect(HumanVerdict(label: "a") == nil)
        #expect(HumanVerdict(label: "AB") == nil)
        #expect(HumanVerdict(label: "maybe") == nil)
    }
}
