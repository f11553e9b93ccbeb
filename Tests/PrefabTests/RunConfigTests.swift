import Foundation
import Prefab
import PrefabSimulator
import Testing

/// Config mistakes are reported with the file, the line and what was expected, before any call.
@Suite("prefab run config")
struct RunConfigTests {
    /// Writes `yaml` (with the standard prompts) and returns the error loading it gives.
    private func error(_ yaml: String) throws -> ConfigError? {
        let directory = try JudgingFixtures.temporaryDirectory()
        try RunFixtures.writePrompts(3, to: directory + "/prompts.jsonl")
        try yaml.write(toFile: directory + "/run.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try RunSetup.load(file: directory + "/run.yaml")
            return nil
        } catch {
            return error
        }
    }

    private func config(replacing old: String, with new: String) async throws -> ConfigError? {
        try await JudgingFixtures.withSimulator { server in
            let yaml = RunFixtures.yaml(server)
            #expect(yaml.contains(old), "fixture has \(old)")
            return try error(yaml.replacingOccurrences(of: old, with: new))
        }
    }

    @Test func theFixtureConfigIsValid() async throws {
        #expect(try await config(replacing: "seed: 5", with: "seed: 5") == nil)
    }

    @Test func anUnknownTopLevelKeyIsReportedWithItsLineAndTheKnownKeys() async throws {
        let found = try #require(try await config(replacing: "window: 8", with: "window: 8\nwindoww: 3"))
        #expect(found.line == 6)
        #expect(found.message.contains("unknown key 'windoww'") && found.message.contains("judges"))
    }

    @Test func anUnknownPairingKeyIsReportedInsideItsBlock() async throws {
        let found = try #require(try await config(replacing: "test_ratio: 0.25", with: "test_ratio: 0.25, margin: 1"))
        #expect(found.path.hasPrefix("pairing") && found.message.contains("unknown key 'margin'"))
        #expect(found.line != nil)
    }

    @Test func aWrongTypeNamesTheExpectedShape() async throws {
        let found = try #require(try await config(replacing: "window: 8", with: "window: many"))
        #expect(found.line == 5 && found.path == "window")
        #expect(found.description.contains("run.yaml:5"))
    }

    @Test(arguments: [
        ("shard_size: lots", "is not a size"),
        ("shard_size: 12parsecs", "is not a size"),
        ("shard_size: 100", "between 4KiB and 2GiB"),
        ("shard_size: 8GiB", "between 4KiB and 2GiB"),
    ])
    func aBadShardSizeIsReportedAtItsLine(line: String, message: String) async throws {
        let found = try #require(try await config(replacing: "window: 8", with: "window: 8\n" + line))
        #expect(found.line == 6 && found.path == "shard_size")
        #expect(found.message.contains(message), "\(found.message)")
    }

    @Test func shardSizeTakesUnitsOrBytes() async throws {
        try await JudgingFixtures.withSimulator { server in
            for (written, bytes) in [("shard_size: 64MiB", 64 << 20), ("shard_size: 65536", 65536), ("", 8 << 20)] {
                let directory = try JudgingFixtures.temporaryDirectory()
                try RunFixtures.writePrompts(3, to: directory + "/prompts.jsonl")
                try RunFixtures.yaml(server, extra: written).write(toFile: directory + "/run.yaml", atomically: true, encoding: .utf8)
                #expect(try RunSetup.load(file: directory + "/run.yaml").configuration.shardSize == bytes, "\(written)")
            }
        }
    }

    @Test func aMissingPromptsFileIsReportedAtItsKey() async throws {
        let found = try #require(try await config(replacing: "path: prompts.jsonl", with: "path: nowhere.jsonl"))
        #expect(found.path == "prompts.path" && found.line == 2 && found.message.contains("nowhere.jsonl"))
    }

    @Test func aMissingJudgesFileIsReportedAtItsKey() async throws {
        let found = try #require(try await config(replacing: "judges/ultrafeedback.yaml", with: "judges/nope.yaml"))
        #expect(found.path == "judges" && found.message.contains("nope.yaml"))
    }

    @Test func aJudgeEndpointTheConfigLacksIsReportedInTheEnsembleFile() async throws {
        let found = try #require(try await config(replacing: "name: judge,", with: "name: grader,"))
        #expect(found.file.hasSuffix("judges/ultrafeedback.yaml"))
        #expect(found.line != nil && found.message.contains("'judge'") && found.message.contains("grader"))
    }

    @Test func anUnknownPoolEndpointIsReported() async throws {
        let found = try #require(try await config(replacing: "{name: c, endpoint: sim,", with: "{name: c, endpoint: simm,"))
        #expect(found.path == "pool.models[2].endpoint" && found.message.contains("unknown endpoint 'simm'"))
    }

    @Test func aBadPairingValueIsReportedAtItsKey() async throws {
        let found = try #require(try await config(replacing: "format: h4", with: "format: h5"))
        #expect(found.path == "pairing.format" && found.line != nil)
        let ratio = try #require(try await config(replacing: "test_ratio: 0.25", with: "test_ratio: 1.5"))
        #expect(ratio.path == "pairing.test_ratio")
    }

    @Test func anUnknownBudgetKeyIsReported() async throws {
        let found = try #require(try await config(replacing: "window: 8", with: "window: 8\nbudget: {max_dollars: 3}"))
        #expect(found.path.hasPrefix("budget") && found.message.contains("max_cost"))
    }

    @Test func aRunNeedsJudgesAndAnOutput() async throws {
        let judges = try #require(try await config(replacing: "judges: ", with: "# judges: "))
        #expect(judges.message.contains("judges"))
        let output = try #require(try await config(replacing: "output: out", with: ""))
        #expect(output.message.contains("output"))
    }

    @Test func invalidPromptRecordsStopTheRunBeforeAnyCall() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 3)
            try "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n{\"id\": \"b\"}\n"
                .write(toFile: run.directory + "/prompts.jsonl", atomically: true, encoding: .utf8)
            await #expect(throws: RunError.self) { _ = try await RunFixtures.pipeline(run.config).run() }
            #expect(server.stats().totalRequests == 0)
            #expect(!FileManager.default.fileExists(atPath: run.directory + "/out/samples"))
        }
    }
}
