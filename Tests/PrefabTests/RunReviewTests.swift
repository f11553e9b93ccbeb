import Foundation
import GRDB
import Prefab
import PrefabSimulator
import Testing

@Suite("prefab run after prefab review")
struct RunReviewTests {
    /// Writes labels into `RUN/review.sqlite` as the review server does (its schema, one row a click).
    static func label(_ output: String, _ labels: [(promptID: String, reviewer: String, verdict: String)]) throws {
        let queue = try DatabaseQueue(path: ReviewDatabase.path(runDirectory: output), configuration: ReviewDatabase.configuration(readonly: false))
        try ReviewDatabase.migrator.migrate(queue)
        try queue.write { db in
            for label in labels {
                try db.execute(
                    sql: "INSERT INTO labels (prompt_id, reviewer, created_at, verdict) VALUES (?, ?, '2026-01-01T00:00:00Z', ?)",
                    arguments: [label.promptID, label.reviewer, label.verdict])
            }
        }
    }

    @Test func runningAgainAfterAReviewTakesThePeoplesVerdictsAndSaysSo() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 6)
            _ = try await RunFixtures.pipeline(run.config).run()
            let out = run.directory + "/out"
            // p0: C over the others; p1: a tie; p2: two reviewers disagree (the judges' labels stand).
            try Self.label(out, [("p0", "ann", "C"), ("p1", "ann", "tie"), ("p2", "ann", "A"), ("p2", "bob", "B")])
            let requests = server.stats().totalRequests
            let again = try await RunFixtures.pipeline(run.config).run()
            #expect(server.stats().totalRequests == requests, "nothing is asked again")
            #expect(again.pairs?.dropped["human_tie"] == 1)
            #expect(again.pairs?.humanLabelled == 2)

            var sources: [String: String] = [:]
            var thirdModel: String?
            let rated = try Shards.open(out + "/rated").cursor()
            while let object = try rated.next() {
                let record = try object.decode(RatedRecord.self)
                sources[record.promptID] = record.labelSource.rawValue
                if record.promptID == "p0" { thirdModel = record.completions[2].model }
            }
            #expect(sources == ["p0": "human", "p1": "human", "p2": "judges", "p3": "judges", "p4": "judges", "p5": "judges"])

            var rows: [String: JSONObject] = [:]
            for split in ["train", "test"] where FileManager.default.fileExists(atPath: out + "/pairs/" + split) {
                let cursor = try Shards.open(out + "/pairs/" + split).cursor()
                while let row = try cursor.next() { rows[row["prompt_id"]!.stringValue!] = row }
            }
            #expect(rows["p1"] == nil, "a tie removes the pair")
            #expect(rows["p0"]?["label_source"]?.stringValue == "human")
            #expect(rows["p0"]?["chosen_model"]?.stringValue == thirdModel, "the reviewer's choice is the chosen answer")
            #expect(rows["p2"]?["label_source"]?.stringValue == "judges")
        }
    }
}
