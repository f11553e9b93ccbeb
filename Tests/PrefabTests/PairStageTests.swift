import Foundation
import Testing
@testable import Prefab

@Suite struct PairsRunTests {
    typealias F = PairingFixtures

    /// Ten prompts: eight with a clear best answer, one all tied, one with a single completion.
    static func ratedRecords() -> [RatedRecord] {
        var records = (0..<8).map { i in
            F.record("p\(i)", [
                F.completion("m1", "Answer one to \(i), café ☕", fine: 4.5), F.completion("m2", "Answer two to \(i)", fine: 2),
                F.completion("m3", "Answer three to \(i)", fine: nil),
            ])
        }
        records.append(F.record("tied", [F.completion("m1", "x", fine: 3), F.completion("m2", "y", fine: 3)]))
        records.append(F.record("single", [F.completion("m1", "only", fine: 5)]))
        return records
    }

    static func writeRated(_ records: [RatedRecord], to directory: String) throws {
        let writer = try RatedShards.layout.makeWriter(directory: directory)
        let encoder = StageShards.encoder()
        for record in records { try writer.write(jsonLine: [UInt8](try encoder.encode(record))) }
        try writer.finish()
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "prefab-pairs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func run(_ format: PairFormat, strategy: PairingStrategy = .bestVsRandom, testRatio: Double = 0, into out: String, rated: String) throws -> PairingSummary {
        let options = PairingOptions(strategy: strategy, seed: 3)
        return try PairStage(
            options: options, builder: try PairRowBuilder(format: format, strategy: strategy),
            split: try DatasetSplit(testRatio: testRatio)
        ).run(rated: rated, output: out)
    }

    @Test func writesEveryFormatAsJSONLZstAndMDSWithTheFormatsColumns() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeRated(Self.ratedRecords(), to: root + "/rated")
        for format in PairFormat.allCases {
            let strategy: PairingStrategy = format == .sft ? .bestOfN : .bestVsRandom
            let out = root + "/\(format.rawValue)"
            _ = try run(format, strategy: strategy, into: out, rated: root + "/rated")
            let jsonl = try Shards.open(out + "/train").readAll()
            let mds = try Shards.open(out + "/train/mds").readAll()
            #expect(!jsonl.isEmpty)
            #expect(jsonl == mds, "\(format): the MDS copy differs from the JSONL.zst copy")
            for row in jsonl {
                #expect(row.map(\.key) == format.columns.map(\.name), "\(format)")
            }
        }
    }

    @Test func summaryCountsRowsAndDropsByReason() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeRated(Self.ratedRecords(), to: root + "/rated")
        let summary = try run(.h4, into: root + "/out", rated: root + "/rated")
        #expect(summary.prompts == 10)
        #expect(summary.promptsWithRows == 8)
        #expect(summary.rows == ["train": 8])
        #expect(summary.dropped == ["tied_scores": 1, "too_few_completions": 1])
        let written = try JSONDecoder().decode(
            PairingSummary.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/out/" + PairStage.summaryName)))
        #expect(written == summary)
    }

    @Test func theSplitKeepsEachPromptOnOneSideAndIsStable() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let records = (0..<60).map { i in
            F.record("q\(i)", [F.completion("a", "good \(i)", fine: 5), F.completion("b", "bad \(i)", fine: 1), F.completion("c", "meh \(i)", fine: 3)])
        }
        try Self.writeRated(records, to: root + "/rated")
        _ = try run(.h4, strategy: .allPairs, testRatio: 0.3, into: root + "/a", rated: root + "/rated")
        _ = try run(.h4, strategy: .allPairs, testRatio: 0.3, into: root + "/b", rated: root + "/rated")
        func ids(_ path: String) throws -> Set<String> {
            Set(try Shards.open(path).readAll().compactMap { $0["prompt_id"]?.stringValue })
        }
        let train = try ids(root + "/a/train")
        let test = try ids(root + "/a/test")
        #expect(train.isDisjoint(with: test))
        #expect(train.count + test.count == 60)
        #expect(!test.isEmpty)
        #expect(try ids(root + "/b/test") == test)
    }

    @Test func anExistingOutputIsRefusedAndABadRecordLeavesNothingBehind() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeRated(Self.ratedRecords(), to: root + "/rated")
        _ = try run(.trl, into: root + "/out", rated: root + "/rated")
        #expect(throws: PairStageError.self) { try run(.trl, into: root + "/out", rated: root + "/rated") }

        let writer = try Shards.makeWriter(directory: root + "/broken", options: .init(format: .jsonlZst))
        try writer.write(jsonLine: #"{"instruction": "x", "completions": [{"model": "a", "response": "r", "fine-grained_score": 2}]}"#)
        try writer.write(jsonLine: #"{"instruction": "y", "completions": "not a list"}"#)
        try writer.finish()
        do {
            _ = try run(.trl, into: root + "/never", rated: root + "/broken")
            Issue.record("expected an error")
        } catch let error as PairStageError {
            #expect(error.description.contains("record 2"))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains("never") }
        #expect(leftovers.isEmpty)
    }

    @Test func theCommandLineWritesPairsAndRejectsBadOptionsWithTheChoices() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeRated(Self.ratedRecords(), to: root + "/rated")
        let ok = try JudgingFixtures.run([
            "pairs", "--rated", root + "/rated", "--strategy", "best-vs-worst", "--format", "kto", "--test-ratio", "0.2",
            "--out", root + "/kto",
        ])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("10 prompts -> 8 with rows"))
        #expect(ok.stdout.contains("tied_scores 1"))
        let bad = try JudgingFixtures.run(["pairs", "--rated", root + "/rated", "--format", "dpo", "--out", root + "/x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("trl-standard"))
        #expect(!FileManager.default.fileExists(atPath: root + "/x"))
    }
}
