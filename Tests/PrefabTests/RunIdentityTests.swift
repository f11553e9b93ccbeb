import Foundation
import Testing

@testable import Prefab

/// A run's identity covers every file that shapes a request, so a resumed run never mixes
/// ratings made under an old rubric or template with new ones.
@Suite struct RunIdentityTests {
    /// A run directory with its own copy of the bundled judges and rubrics, so a test can edit them.
    private func makeRun() throws -> (directory: String, config: String) {
        let directory = try JudgingFixtures.temporaryDirectory()
        try RunFixtures.writePrompts(2, to: directory + "/prompts.jsonl")
        for folder in ["judges", "rubrics"] {
            try FileManager.default.copyItem(atPath: RunFixtures.repository + "/" + folder, toPath: directory + "/" + folder)
        }
        // No call is made: the endpoints only need to be valid.
        let config = directory + "/run.yaml"
        try """
            prompts: {path: prompts.jsonl}
            output: out
            cache: cache/cache.sqlite
            endpoints:
              - {name: sim, provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", model: sim-model}
              - {name: judge, provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", model: sim-judge}
            pool:
              models:
                - {name: a, endpoint: sim}
            principles: {directory: rubrics/principles}
            judges: judges/ultrafeedback.yaml
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return (directory, config)
    }

    private func openJournal(_ setup: RunSetup) throws(RunError) {
        _ = try RunJournal(path: setup.journalPath, identity: setup.identity, parts: setup.identityParts)
    }

    @Test func theIdentityCoversTheEnsembleItsRubricsAndItsTemplates() throws {
        let (directory, config) = try makeRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let parts = try RunSetup.load(file: config).identityParts
        #expect(parts.keys.contains(RunSetup.samplingPart))
        #expect(parts.keys.contains("judges/ultrafeedback.yaml"))
        #expect(parts.keys.contains("rubrics/helpfulness.yaml") && parts.keys.contains("rubrics/honesty.yaml"))
        #expect(parts.keys.contains { $0.hasPrefix("rubrics/templates/") && $0.hasSuffix(".mustache") }, "\(parts.keys.sorted())")
    }

    @Test func resumingAfterARubricWasEditedStopsAndNamesTheRubric() throws {
        let (directory, config) = try makeRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try openJournal(try RunSetup.load(file: config))

        // The same config again is the same run.
        try openJournal(try RunSetup.load(file: config))

        let rubric = directory + "/rubrics/honesty.yaml"
        try (String(contentsOfFile: rubric, encoding: .utf8) + "\n# edited\n").write(toFile: rubric, atomically: true, encoding: .utf8)
        let edited = try RunSetup.load(file: config)
        #expect {
            try openJournal(edited)
        } throws: { error in
            guard case RunError.configChanged(_, let changed) = error else { return false }
            return changed == ["rubrics/honesty.yaml"] && "\(error)".contains("rubrics/honesty.yaml") && "\(error)".contains("--fresh")
        }
    }

    /// The documented way to re-judge after a rubric edit: `--fresh` with the response cache on
    /// pays for the calls the edit changed (the honesty judge's) and nothing else.
    @Test func aFreshRunAfterARubricEditPaysOnlyForTheChangedJudgeCalls() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 4)
            defer { try? FileManager.default.removeItem(atPath: run.directory) }
            for folder in ["judges", "rubrics"] {
                try FileManager.default.copyItem(atPath: RunFixtures.repository + "/" + folder, toPath: run.directory + "/" + folder)
            }
            var config = try String(contentsOfFile: run.config, encoding: .utf8)
            config = config.replacingOccurrences(of: RunFixtures.repository + "/judges/", with: "judges/")
                .replacingOccurrences(of: RunFixtures.repository + "/rubrics/", with: "rubrics/")
            try config.write(toFile: run.config, atomically: true, encoding: .utf8)
            var first = try RunFixtures.pipeline(run.config)
            first.writeReport = false
            let before = try await first.run()
            #expect(before.done == 4)
            let chatCalls = server.stats().requests(path: "/v1/chat/completions")

            let rubric = run.directory + "/rubrics/honesty.yaml"
            let text = try String(contentsOfFile: rubric, encoding: .utf8)
            try text.replacingOccurrences(of: "Does the response sound exactly as sure", with: "Does the answer sound exactly as sure")
                .write(toFile: rubric, atomically: true, encoding: .utf8)
            await #expect(throws: RunError.self) { _ = try await RunFixtures.pipeline(run.config).run() }
            var fresh = try RunFixtures.pipeline(run.config)
            fresh.fresh = true
            fresh.writeReport = false
            let after = try await fresh.run()
            #expect(after.done == 4)
            // One honesty call per prompt (multi mode), nothing for the samples or other aspects.
            #expect(server.stats().requests(path: "/v1/chat/completions") == chatCalls + 4)
        }
    }

    @Test func resumingAfterATemplateWasEditedStopsAndNamesTheTemplate() throws {
        let (directory, config) = try makeRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let setup = try RunSetup.load(file: config)
        try openJournal(setup)
        let template = try #require(setup.identityParts.keys.first { $0.hasPrefix("rubrics/templates/") })
        let path = directory + "/" + template
        try (String(contentsOfFile: path, encoding: .utf8) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try openJournal(try RunSetup.load(file: config))
        } throws: { error in
            guard case RunError.configChanged(_, let changed) = error else { return false }
            return changed == [template]
        }
    }

    @Test func promptsAddedToTheInputAreNotAChange() throws {
        let (directory, config) = try makeRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = try RunSetup.load(file: config)
        try RunFixtures.writePrompts(5, to: directory + "/prompts.jsonl")
        let after = try RunSetup.load(file: config)
        #expect(before.identity == after.identity)
    }
}
