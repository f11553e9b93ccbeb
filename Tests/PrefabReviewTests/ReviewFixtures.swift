import Foundation
import Prefab
import PrefabReview
import PrefabTestSupport

/// Run directories of hand-made rated records for the review tests: no model, every vote chosen,
/// so the queue's order and the pairs that follow are known in advance.
enum ReviewFixtures {
    /// A completion with two rating judges on `helpfulness` (ratings `first` and `second`) and a
    /// fine-grained score of their mean.
    static func completion(_ model: String, _ response: String, _ first: Double, _ second: Double, failed: Bool = false) -> RatedCompletion {
        var votes = [JudgeVote(judge: "j1", aspect: "helpfulness", rating: first, rationale: "j1 says \(first)", raw: "", parse: .ok)]
        if failed {
            votes.append(JudgeVote(judge: "j2", aspect: "helpfulness", rating: nil, raw: "??", parse: .failed, detail: "no rating"))
        } else {
            votes.append(JudgeVote(judge: "j2", aspect: "helpfulness", rating: second, rationale: "j2 says \(second)", raw: "", parse: .ok))
        }
        let score = failed ? first : (first + second) / 2
        return RatedCompletion(
            model: model, response: response, annotations: ["helpfulness": AspectAnnotation(rating: String(Int(score.rounded())), rationale: "")],
            overallScore: score, fineGrainedScore: score, votes: votes)
    }

    static func record(_ id: String, source: String = "chat", _ completions: [RatedCompletion]) -> RatedRecord {
        RatedRecord(
            source: source, instruction: "Prompt \(id)?", models: completions.map(\.model), completions: completions, promptID: id,
            messages: [.user("Prompt \(id)?")], ensemble: "test")
    }

    /// Four records whose uncertainty order is known:
    /// - `split`: the judges rate A 1 and 5 (spread 1), the scores tie (closeness 1);
    /// - `failed`: a failed vote (a quarter of its votes), a margin of 1.5;
    /// - `close`: the judges agree, a margin of 0.5;
    /// - `calm`: the judges agree, a margin of 3.
    static func standardRecords() -> [RatedRecord] {
        [
            record("calm", source: "math", [completion("m1", "Right.", 5, 5), completion("m2", "Wrong.", 2, 2)]),
            record("split", [completion("m1", "One.", 1, 5), completion("m2", "Two.", 3, 3)]),
            record("close", [completion("m1", "Near.", 3.5, 3.5), completion("m3", "Far.", 3, 3)]),
            record("failed", [completion("m2", "Shaky.", 4.5, 0, failed: true), completion("m3", "Steady.", 3, 3)]),
        ]
    }

    static func makeRun(_ records: [RatedRecord] = standardRecords()) throws -> String {
        let scratch = ScratchDirectory("prefab-review-test")
        try writeRated(records, into: scratch.path)
        return scratch.path
    }

    static func writeRated(_ records: [RatedRecord], into run: String) throws {
        let rated = run + "/rated"
        try? FileManager.default.removeItem(atPath: rated)
        let writer = try RatedShards.layout.makeWriter(directory: rated)
        let encoder = StageShards.encoder()
        for record in records { try writer.write(jsonLine: [UInt8](try encoder.encode(record))) }
        _ = try writer.finish()
    }
}
