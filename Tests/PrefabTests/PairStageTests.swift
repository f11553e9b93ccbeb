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

    @Test func theCommandLineWritesPairsAndRejectsBadOptionsWithTheChoices() async throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeRated(Self.ratedRecords(), to: root + "/rated")
        let ok = try await JudgingFixtures.run([
            "pairs", "--rated", root + "/rated", "--strategy", "best-vs-worst", "--format", "kto", "--test-ratio", "0.2",
            "--out", root + "/kto",
        ])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("10 prompts -> 8 with rows"))
        #expect(ok.stdout.contains("tied_scores 1"))
        let bad = try await JudgingFixtures.run(["pairs", "--rated", root + "/rated", "--format", "dpo", "--out", root + "/x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("trl-standard"))
        #expect(!FileManager.default.fileExists(atPath: root + "/x"))
    }

    @Test func multiTurnPromptsInStandardFormatsAreCountedNotCut() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var records = Self.ratedRecords()
        records[0].messages = [.system("Be brief."), .user("Question p0?")]
        records[1].messages = [.user("Hi."), .assistant("Hello!"), .user("Question p1?")]
        try Self.writeRated(records, to: root + "/rated")
        for format in [PairFormat.trlStandard, .ktoStandard] {
            let summary = try run(format, into: root + "/\(format.rawValue)", rated: root + "/rated")
            #expect(summary.promptsWithRows == 6, "\(format)")
            #expect(summary.dropped == ["multi_turn_in_standard_format": 2, "tied_scores": 1, "too_few_completions": 1], "\(format)")
            let prompts = try Shards.open(root + "/\(format.rawValue)/train").readAll().compactMap { $0["prompt"]?.stringValue }
            #expect(!prompts.contains("Question p0?") && !prompts.contains("Question p1?"))
        }
        let conversational = try run(.trl, into: root + "/trl", rated: root + "/rated")
        #expect(conversational.promptsWithRows == 8)
    }

    @Test func ktoFromAllPairsIsRejectedByPairsRunConfigsAndTheCommandLine() async throws {
        var pairing = RunPairingConfiguration()
        pairing.format = "kto"
        pairing.strategy = "all-pairs"
        guard case .failure(let problem) = pairing.resolve(seed: 0) else {
            Issue.record("kto with all-pairs resolved")
            return
        }
        #expect(problem.key == "strategy")
        pairing.kto = .init(desirable: 4, undesirable: 2)
        #expect((try? pairing.resolve(seed: 0).get()) != nil)

        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeRated(Self.ratedRecords(), to: root + "/rated")
        let rejected = try await JudgingFixtures.run([
            "pairs", "--rated", root + "/rated", "--strategy", "all-pairs", "--format", "kto-standard", "--out", root + "/x",
        ])
        #expect(rejected.status != 0)
        #expect(rejected.stderr.contains("--strategy") && rejected.stderr.contains("--kto-desirable"))
        #expect(!FileManager.default.fileExists(atPath: root + "/x"))

        // A run config says it at load time (prefab validate, prefab run), at the strategy's line.
        try RunFixtures.writePrompts(3, to: root + "/prompts.jsonl")
        try """
            seed: 5
            prompts: {path: prompts.jsonl}
            output: out
            endpoints:
              - {name: sim, provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", model: sim-model}
              - {name: judge, provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", model: sim-judge}
            pool:
              models:
                - {name: a, endpoint: sim}
                - {name: b, endpoint: sim}
            judges: \(RunFixtures.repository)/judges/ultrafeedback.yaml
            pairing:
              format: kto
              strategy: all-pairs
            """.write(toFile: root + "/run.yaml", atomically: true, encoding: .utf8)
        #expect {
            try RunSetup.load(file: root + "/run.yaml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.path == "pairing.strategy" && error.line == 14 && error.message.contains("kto: {desirable")
        }
    }
}
