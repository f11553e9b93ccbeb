import Foundation
import PrefabShards
import Testing

@testable import Prefab

/// Prompt hygiene: exact and near duplicates, character shingles for unspaced scripts, and
/// decontamination by Tülu 3's 8-gram rule.
@Suite struct HygieneTests {
    /// Runs hygiene over `texts` (ids t1, t2, …) and returns the report.
    private func hygiene(_ texts: [String], _ configuration: HygieneConfiguration = HygieneConfiguration()) throws -> HygieneReport {
        let hygiene = try PromptHygiene(configuration)
        for (index, text) in texts.enumerated() {
            _ = try hygiene.keep(PromptRecord(promptID: "t\(index + 1)", prompt: text))
        }
        return hygiene.finish()
    }

    /// A sentence of `count` distinct words, deterministic per `seed`.
    private func words(_ count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in "w\(generator.next() % 100_000)" }
    }

    @Test func exactDuplicatesAreFoundAfterNFKCCaseAndWhitespaceFolding() throws {
        let report = try hygiene([
            "Hello World, how are you?",
            "  hello\tWORLD,   how are YOU?\n",
            "Ｈｅｌｌｏ　Ｗｏｒｌｄ，　how are you？",  // full-width forms and an ideographic space
            "Hello World, how are you!",  // punctuation differs: not exact (near, maybe)
        ], HygieneConfiguration(dedup: { var d = HygieneConfiguration.Dedup(); d.near = false; return d }()))
        #expect(report.removed["exact_duplicate"] == 2)
        #expect(report.removals.map(\.promptID) == ["t2", "t3"])
        #expect(report.removals.allSatisfy { $0.duplicateOf == "t1" && $0.duplicateOfOrdinal == 1 })
        #expect(report.kept == 2)
    }

    @Test func nearDuplicatesAreFoundAtHighJaccardAndNotAtLow() throws {
        let base = words(80, seed: 1)
        var oneWordChanged = base
        oneWordChanged[40] = "changed"  // 3 of 78 shingles differ: Jaccard ≈ 0.93
        var halfChanged = base
        for index in stride(from: 0, to: 80, by: 2) { halfChanged[index] = "x\(index)" }  // no 3-gram survives
        let unrelated = words(80, seed: 2)
        let report = try hygiene([base, oneWordChanged, halfChanged, unrelated].map { $0.joined(separator: " ") })
        #expect(report.removals.map(\.promptID) == ["t2"])
        #expect(report.removals.first?.reason == .nearDuplicate)
        #expect(report.removals.first?.duplicateOf == "t1")
        #expect(report.kept == 3)
    }

    @Test func theBandingCurveMatchesItsFormulaAndTheDefaultsAreDatasketchs() {
        let banding = MinHashLSH.optimalBanding(threshold: 0.8, permutations: 128)
        #expect(banding.bands == 9 && banding.rows == 13)
        let looser = MinHashLSH.optimalBanding(threshold: 0.7, permutations: 128)
        #expect(looser.bands == 14 && looser.rows == 9)
        // datasketch 2.0.0's _optimal_param(t, 128, 0.5, 0.5) for these thresholds.
        #expect(MinHashLSH.optimalBanding(threshold: 0.85, permutations: 128) == (8, 16))
        #expect(MinHashLSH.optimalBanding(threshold: 0.9, permutations: 128) == (5, 25))
        let p = MinHashLSH.candidateProbability(0.9, bands: 9, rows: 13)
        #expect(abs(p - (1 - pow(1 - pow(0.9, 13), 9))) < 1e-12)
        #expect(MinHashLSH.candidateProbability(0.5, bands: 9, rows: 13) < 0.002)
        #expect(MinHashLSH.candidateProbability(0.95, bands: 9, rows: 13) > 0.99)
    }

    @Test func textWithoutSpacesBetweenWordsIsShingledByCharacters() throws {
        #expect(HygieneText("我喜欢猫").tokens.count == 4)
        #expect(HygieneText("わたしはねこがすき").tokens.count == 9)
        #expect(HygieneText("hello 世界 again").tokens.count == 4)
        let sentence = "今天天气很好我们一起去公园散步然后在湖边坐一会儿看看风景再回家做晚饭吃完饭以后一起读书聊天到很晚才睡觉"
        var changed = Array(sentence)
        changed[30] = "煮"
        let report = try hygiene([sentence, String(changed), "明天早上我要去火车站接一位从北京来的老朋友然后带他去吃烤鸭"])
        #expect(report.removals.map(\.promptID) == ["t2"])
        #expect(report.removals.first?.reason == .nearDuplicate)
    }

    @Test func theFirstInInputOrderIsKeptAndEachDroppedOneNamesIt() throws {
        let a = words(40, seed: 7).joined(separator: " ")
        let b = words(40, seed: 8).joined(separator: " ")
        let report = try hygiene([b, a, a.uppercased(), b + " ", a])
        #expect(report.kept == 2)
        #expect(report.removals.map(\.promptID) == ["t3", "t4", "t5"])
        #expect(report.removals.map(\.duplicateOf) == ["t2", "t1", "t2"])
        #expect(report.removals.map(\.ordinal) == [3, 4, 5])
    }

    @Test func decontaminationFlagsAnEvaluationOverlapAndNotAnUnrelatedPrompt() throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let eval = directory + "/eval.jsonl"
        try """
            {"question": "A farmer has 17 sheep and all but 9 run away. How many sheep does the farmer have left?"}
            {"question": "Name the chemical element whose symbol is Fe."}

            """.write(toFile: eval, atomically: true, encoding: .utf8)
        let configuration = HygieneConfiguration(dedup: nil, decontaminate: [.init(path: eval, field: "question")])
        let report = try hygiene([
            "Please solve: a farmer has 17 sheep and all but 9 run away. How many sheep does the farmer have left? Show your work.",
            "A farmer has 17 cows in a field; write a poem about them.",  // shares fewer than 8 words in a row
            "Explain how photosynthesis works.",
            "Name the chemical element whose symbol is Fe.",  // shorter than 8 tokens: the whole item
        ], configuration)
        #expect(report.removals.map(\.promptID) == ["t1", "t4"])
        #expect(report.removals.allSatisfy { $0.reason == .contaminated && $0.evalFile == eval })
        #expect(report.removals.map(\.evalItem) == ["1", "2"])
        #expect(report.removals.first?.overlap == 1)
        #expect(report.evalFiles.first?.items == 2 && report.evalFiles.first?.sha256.count == 64)
    }

    @Test func aBadEvaluationRecordNamesItsFileLineAndField() throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let eval = directory + "/eval.jsonl"
        try "{\"question\": \"fine\"}\n{\"question\": 3}\n".write(toFile: eval, atomically: true, encoding: .utf8)
        #expect {
            try PromptHygiene(HygieneConfiguration(dedup: nil, decontaminate: [.init(path: eval, field: "question")]))
        } throws: { error in
            "\(error)".contains("eval.jsonl:2: question: expected a string")
        }
    }

    @Test func promptsWritesTheKeptPromptsAndTheReportOrNothing() throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/prompts.jsonl"
        try """
            {"id": "a", "prompt": "Tell me about rivers.", "source": "geo"}
            {"id": "b", "prompt": "tell me   about RIVERS."}
            {"id": "c", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Bye"}]}

            """.write(toFile: input, atomically: true, encoding: .utf8)
        let report = try PromptHygiene.write(
            PromptInputConfiguration(path: input), configuration: HygieneConfiguration(), to: directory + "/out")
        #expect(report.kept == 2 && report.removed["exact_duplicate"] == 1)
        let kept = try Shards.open(directory + "/out").readAll()
        #expect(kept.map { $0["id"]?.stringValue } == ["a", "c"])
        #expect(kept[0]["source"]?.stringValue == "geo")
        let written = try JSONDecoder().decode(
            HygieneReport.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/out/" + HygieneReport.fileName)))
        #expect(written.removals.map(\.promptID) == ["b"])

        // A bad evaluation set: an error, and no output directory at all.
        let bad = directory + "/bad.jsonl"
        try "{\"q\": 1}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: HygieneError.self) {
            try PromptHygiene.write(
                PromptInputConfiguration(path: input), configuration: HygieneConfiguration(decontaminate: [.init(path: bad, field: "q")]),
                to: directory + "/out2")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/out2"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("partial") }.isEmpty)
    }
}

extension HygieneTests {
    /// 2,000 pairs at Jaccard 25/31 ≈ 0.806 (one word of 30 replaced: 3 of 28 shingles): the
    /// share found must be the banding's 1 − (1 − s^13)^9 ≈ 0.433 with the default 9 × 13, not
    /// that of 9 × 14 (≈ 0.364), which is what 128 / 9 rows would give.
    @Test func theShareOfPairsFoundAtAJaccardIsTheBandingsCandidateProbability() throws {
        var generator = SplitMix64(seed: 3)
        var texts: [String] = []
        for _ in 0..<2000 {
            var words = (0..<30).map { _ in "t\(generator.next() % 1_000_000_000)" }
            texts.append(words.joined(separator: " "))
            words[15] = "changed" + words[15]
            texts.append(words.joined(separator: " "))
        }
        let report = try hygiene(texts)
        let share = Double(report.removed["near_duplicate"] ?? 0) / 2000
        let expected = MinHashLSH.candidateProbability(25.0 / 31, bands: 9, rows: 13)
        #expect(abs(share - expected) < 0.035, "found \(share), expected \(expected)")
    }
}
