import Foundation
import PrefabSimulator
import Testing

@testable import Prefab

/// Re-judging samples and comparing ensembles, through the library and the `prefab` CLI,
/// against the in-process simulator.
@Suite("Judging runs and ensemble comparison")
struct JudgeRunTests {
    @Test("the same samples judged by two bundled ensembles give two rated outputs; repeats come from the cache")
    func twoEnsembles() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let samples = JudgingFixtures.samples(5)
        try JudgingFixtures.writeSamples(samples, to: directory + "/samples")
        try await JudgingFixtures.withSimulator { server in
            let cache = try ResponseCache(path: directory + "/cache.sqlite")
            let ultrafeedback = try JudgingFixtures.ensemble("ultrafeedback", server, cache: cache)
            let pairwise = try JudgingFixtures.ensemble("pairwise", server, cache: cache)
            let first = try await JudgeStage(ensemble: ultrafeedback, window: 3).run(samples: directory + "/samples", output: directory + "/uf")
            let second = try await JudgeStage(ensemble: pairwise, window: 3).run(samples: directory + "/samples", output: directory + "/pw")
            #expect(first.rated == 5 && first.failures.isEmpty)
            #expect(second.rated == 5 && second.failures.isEmpty)
            let uf = try JudgingFixtures.readAll(directory + "/uf")
            let pw = try JudgingFixtures.readAll(directory + "/pw")
            // The MDS copy holds the same records.
            #expect(try JudgingFixtures.json(JudgingFixtures.readAll(directory + "/pw/mds")) == JudgingFixtures.json(pw))
            // In input order, with the samples' fields carried over.
            #expect(uf.map(\.promptID) == samples.map(\.promptID))
            #expect(pw.map(\.promptID) == samples.map(\.promptID))
            #expect(uf[0].completions.map(\.customSystemPrompt) == ["Be helpful.", "Be helpful.", "Be helpful."])
            #expect(uf[0].completions[0].usage == TokenUsage(promptTokens: 5, completionTokens: 7))
            #expect(uf[1].completions.map(\.flags) == [[], [], ["truncated"]])  // the sampler's flags carry over
            #expect(uf.allSatisfy { $0.ensemble == "ultrafeedback" && $0.completions.allSatisfy { $0.annotations.count == 4 } })
            #expect(pw.allSatisfy { $0.ensemble == "pairwise" && $0.completions.allSatisfy { $0.annotations.isEmpty && $0.scores["pair-judge"] != nil } })
            #expect(first.agreement.judges["uf-judge"]?.calls == 20)
            #expect(second.agreement.judges["pair-judge"]?.orderPairs == 15)
            let report = try JSONDecoder().decode(JudgeStageSummary.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/uf/" + JudgeStage.reportName)))
            #expect(report == first)
            // P(rated higher | position) per position shown: the run's counts are the records' added up.
            let positions = try #require(report.agreement.judges["uf-judge"])
            #expect(positions.comparisonsByPosition.count == 3 && positions.ratedHigherByPosition.allSatisfy { $0 != nil })
            var summed = JudgeFigures()
            for record in uf { summed.merge(record.agreement?.judges["uf-judge"] ?? JudgeFigures()) }
            #expect(summed.comparisonsByPosition == positions.comparisonsByPosition)
            #expect(summed.higherByPosition == positions.higherByPosition)
            let reportText = try String(contentsOfFile: directory + "/uf/" + JudgeStage.reportName, encoding: .utf8)
            #expect(reportText.contains("rated_higher_by_position"))
            // The world knowledge the samples carried reached the judge's prompt.
            #expect(uf[0].completions[0].votes.allSatisfy { !$0.raw.isEmpty })

            let requests = server.stats().totalRequests
            let again = try await JudgeStage(ensemble: ultrafeedback).run(samples: directory + "/samples", output: directory + "/uf-again")
            #expect(server.stats().totalRequests == requests)
            #expect(again.agreement.judges["uf-judge"]?.cachedCalls == 20)
            // The same ratings; only the cached-call counts in the agreement figures differ.
            #expect(try JudgingFixtures.json(JudgingFixtures.readAll(directory + "/uf-again").map(\.completions)) == JudgingFixtures.json(uf.map(\.completions)))
            try await cache.close()
        }
    }

    @Test("eval-judges measures each ensemble and judge on gold pairs, in one report that tells them apart")
    func evaluation() async throws {
        let pairs = Array(try GoldPair.load(file: JudgingFixtures.repository + "/datasets/judge-eval/gold.jsonl").prefix(8))
        try await JudgingFixtures.withSimulator { server in
            let evaluator = JudgeEvaluator(seed: 1, window: 4)
            var rows: [JudgeEvaluationRow] = []
            for name in ["ultrafeedback", "pairwise", "jury"] {
                rows += try await evaluator.evaluate(pairs, with: try JudgingFixtures.ensemble(name, server))
            }
            let report = JudgeEvaluationReport(gold: "gold.jsonl", pairs: pairs.count, rows: rows)
            #expect(rows.map { "\($0.ensemble)/\($0.judge ?? "*")" } == [
                "ultrafeedback/*", "ultrafeedback/uf-judge", "pairwise/*", "pairwise/pair-judge",
                "jury/*", "jury/juror-multi", "jury/juror-single-a", "jury/juror-single-b",
            ])
            for row in rows {
                #expect(row.pairs == 8)
                #expect(row.correct + row.wrong + row.ties + row.failed == 8)
            }
            let uf = rows[0]
            let pw = rows[2]
            let jury = rows[4]
            #expect(uf.calls == 32)  // 4 aspects × 8 pairs
            #expect(pw.calls == 16)  // 2 orders × 8 pairs
            #expect(uf.positionConsistency == nil)
            #expect(pw.positionConsistency != nil)
            #expect(jury.agreement != nil)  // alpha between jurors
            #expect(rows[1].agreement == 1)  // a lone judge always agrees with its ensemble
            let table = report.table()
            for name in ["ultrafeedback", "pairwise", "jury", "uf-judge", "pair-judge", "(ensemble)", "accuracy", "P(first)"] {
                #expect(table.contains(name))
            }
            let decoded = try JSONDecoder().decode(JudgeEvaluationReport.self, from: Data(try report.json().utf8))
            #expect(decoded == report)
        }
    }

    @Test("a gold file with a bad line names the file and the line")
    func goldErrors() throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/gold.jsonl"
        try #"{"id": "a", "prompt": "p", "chosen": "c", "rejected": "r"}"#.appending("\n{\"id\": \"b\", \"prompt\": \"p\", \"chosen\": \"c\"}\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: JudgeEvaluationError.invalid(file: path, line: 2, message: "missing field 'rejected'")) { try GoldPair.load(file: path) }
    }

    @Test("prefab judge and prefab eval-judges run from the command line")
    func commandLine() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JudgingFixtures.writeSamples(JudgingFixtures.samples(3), to: directory + "/samples")
        let gold = directory + "/gold.jsonl"
        let lines = try String(contentsOfFile: JudgingFixtures.repository + "/datasets/judge-eval/gold.jsonl", encoding: .utf8)
            .split(separator: "\n").prefix(4).joined(separator: "\n")
        try lines.write(toFile: gold, atomically: true, encoding: .utf8)
        try await JudgingFixtures.withSimulator { server in
            try "endpoints:\n  - {name: judge, provider: openai-compatible, base_url: \"\(server.baseURL)/v1\", model: sim-model}\n"
                .write(toFile: directory + "/endpoints.yaml", atomically: true, encoding: .utf8)
            let common = ["--endpoints", directory + "/endpoints.yaml", "--cache", directory + "/cache.sqlite"]
            for name in ["ultrafeedback", "pairwise"] {
                let judged = try await JudgingFixtures.run(
                    ["judge", "--samples", directory + "/samples", "--judges", JudgingFixtures.ensembleFile(name), "--out", directory + "/" + name] + common)
                #expect(judged.status == 0, "\(judged.stderr)")
                #expect(judged.stdout.contains("rated 3 of 3 prompts with \(name)"))
                #expect(try JudgingFixtures.readAll(directory + "/" + name).count == 3)
            }
            let evaluated = try await JudgingFixtures.run(
                ["eval-judges", "--gold", gold, "--judges", JudgingFixtures.ensembleFile("ultrafeedback"), "--judges", JudgingFixtures.ensembleFile("pairwise")] + common)
            #expect(evaluated.status == 0, "\(evaluated.stderr)")
            #expect(evaluated.stdout.contains("ultrafeedback"))
            #expect(evaluated.stdout.contains("pair-judge"))
            let json = try await JudgingFixtures.run(
                ["eval-judges", "--gold", gold, "--judges", JudgingFixtures.ensembleFile("pairwise"), "--json"] + common)
            let report = try JSONDecoder().decode(JudgeEvaluationReport.self, from: Data(json.stdout.utf8))
            #expect(report.rows.first?.cachedCalls == report.rows.first?.calls)  // answered before, from the cache
            let broken = try await JudgingFixtures.run(["judge", "--samples", directory + "/samples", "--judges", directory + "/endpoints.yaml", "--out", directory + "/x"] + common)
            #expect(broken.status != 0)
            #expect(broken.stderr.contains("endpoints.yaml"))
        }
    }
}
