import Foundation
import PrefabShards
import PrefabSimulator
import Testing

@testable import Prefab

/// A run config's `hygiene:` block: applied before sampling, counted in the summary and the
/// report, and part of the run's identity.
@Suite struct RunHygieneTests {
    /// 12 fixture prompts plus an exact duplicate of p0, a near copy of p3's text under a new
    /// id, and one that quotes the evaluation item.
    private func makeRun(_ server: SimulatorServer) throws -> (directory: String, config: String) {
        let hygiene = """
            hygiene:
              dedup: true
              decontaminate:
                - {path: evals.jsonl, field: question}
            """
        let run = try RunFixtures.makeRun(server, prompts: 12, extra: hygiene)
        let extra = [
            #"{"id": "dup-of-p0", "prompt": "QUESTION 0:   how does topic 0 work?"}"#,
            #"{"id": "contaminated", "prompt": "Before you start: what is the boiling point of pure water at sea level in kelvin exactly? Explain."}"#,
        ]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: run.directory + "/prompts.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data((extra.joined(separator: "\n") + "\n").utf8))
        try handle.close()
        try #"{"question": "What is the boiling point of pure water at sea level in kelvin exactly?"}"#
            .appending("\n").write(toFile: run.directory + "/evals.jsonl", atomically: true, encoding: .utf8)
        return run
    }

    @Test func theHygieneBlockRemovesPromptsBeforeSamplingAndReportsThem() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try makeRun(server)
            let setup = try RunSetup.load(file: run.config)
            let estimate = try await RunEstimate.make(setup: setup)
            #expect(estimate.prompts == 12)
            #expect(estimate.hygiene?.removed == ["exact_duplicate": 1, "near_duplicate": 0, "contaminated": 1])

            let summary = try await RunPipeline(setup: setup).run()
            let out = run.directory + "/out"
            #expect(summary.prompts == 12 && summary.done == 12)
            #expect(summary.hygiene == HygieneCounts(kept: 12, removed: ["exact_duplicate": 1, "near_duplicate": 0, "contaminated": 1]))
            #expect(try RunFixtures.promptIDs(out + "/samples") == (0..<12).map { "p\($0)" })
            // Nothing was asked for the removed prompts: 3 answers and 4 judge calls each.
            #expect(server.stats().requests(path: "/v1/chat/completions") == 12 * 7)
            let report = try JSONDecoder().decode(
                HygieneReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/" + HygieneReport.fileName)))
            #expect(report.removals.map(\.promptID) == ["dup-of-p0", "contaminated"])
            #expect(report.removals.first?.duplicateOf == "p0")
            let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
            #expect(html.contains("Prompt hygiene") && html.contains("dup-of-p0") == false && html.contains("duplicates #1 (p0)"))
            let summaryJSON = try String(contentsOfFile: out + "/run-summary.json", encoding: .utf8)
            #expect(summaryJSON.contains("\"hygiene\"") && summaryJSON.contains("\"exact_duplicate\" : 1"))
            // The dataset card says what was removed.
            let card = try String(contentsOfFile: out + "/pairs/README.md", encoding: .utf8)
            #expect(card.contains("## Prompt hygiene") && card.contains("- kept: 12") && card.contains("| exact_duplicate | 1 |"), "\(card)")

            // Running again takes everything from the journal: the same kept prompts, in order.
            let again = try await RunFixtures.pipeline(run.config).run()
            #expect(again.resumed == 12 && again.prompts == 12)
        }
    }

    @Test func hygieneSettingsAndEvaluationContentArePartOfTheRunIdentity() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try makeRun(server)
            let with = try RunSetup.load(file: run.config)
            #expect(with.identityParts["hygiene settings"] != nil)
            #expect(with.identityParts["evaluation set evals.jsonl"]?.count == 64)

            try #"{"question": "Something else entirely, about rivers and lakes and seas."}"#
                .appending("\n").write(toFile: run.directory + "/evals.jsonl", atomically: true, encoding: .utf8)
            let changedEval = try RunSetup.load(file: run.config)
            #expect(changedEval.identity != with.identity)
            #expect(changedEval.identityParts["hygiene settings"] == with.identityParts["hygiene settings"])

            let yaml = try String(contentsOfFile: run.config, encoding: .utf8)
            try yaml.replacingOccurrences(of: "dedup: true", with: "dedup: {threshold: 0.7}")
                .write(toFile: run.config, atomically: true, encoding: .utf8)
            let changedSettings = try RunSetup.load(file: run.config)
            #expect(changedSettings.identityParts["hygiene settings"] != changedEval.identityParts["hygiene settings"])

            // Without the block, the identity has no hygiene part at all (older runs keep theirs).
            try RunFixtures.yaml(server).write(toFile: run.config, atomically: true, encoding: .utf8)
            let without = try RunSetup.load(file: run.config)
            #expect(without.identityParts.keys.allSatisfy { $0 != "hygiene settings" && !$0.hasPrefix("evaluation set ") })
        }
    }

    @Test(arguments: [
        ("hygiene: {dedup: {bands: 0}}", "hygiene.dedup.bands", "bands must be between 1"),
        ("hygiene: {dedup: {shingles: 3}}", "hygiene.dedup", "unknown key 'shingles'"),
        ("hygiene: {decontaminate: [missing.jsonl]}", "hygiene.decontaminate[0]", "no such evaluation set"),
        ("hygiene: {decontaminate: [{path: missing.jsonl, field: q}]}", "hygiene.decontaminate[0].path", "no such evaluation set"),
        ("hygiene: {contamination: {threshold: 1.5}}", "hygiene.contamination.threshold", "threshold"),
    ])
    func aHygieneConfigMistakeNamesItsFileLineAndKey(block: String, path: String, message: String) async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, extra: block)
            do {
                _ = try RunSetup.load(file: run.config)
                Issue.record("loaded")
            } catch let error as ConfigError {
                #expect(error.file == run.config)
                #expect(error.line == 18, "\(error)")
                #expect(error.path.hasPrefix(path), "\(error)")
                #expect(error.message.contains(message), "\(error)")
            } catch {
                Issue.record("not a config error: \(error)")
            }
        }
    }
}
