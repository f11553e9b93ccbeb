import Foundation
import PrefabLLM
import Testing
@testable import Prefab

/// The sampling stage against the real local llama.cpp server (SmolLM2-135M): quickstart
/// prompts through a 3-model pool (one server, three temperatures) with the bundled principles,
/// into samples shards. Skipped, saying why, when no local server runs
/// (`$PREFAB_HOME/local/server.json`, default `.prefab/local/server.json`; `scripts/local start`).
@Suite(.enabled(if: LocalSamplerServer.isRunning, "the local llama.cpp server is not running (no live .prefab/local/server.json; run scripts/local start)"))
struct SamplerEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func setup() throws -> SamplingSetup {
        let yaml = """
            seed: 7
            prompts: datasets/quickstart/prompts.jsonl
            endpoints:
              - name: local
                provider: local
                parameters: {max_tokens: 16}
                limits: {max_concurrent: 4}
                timeouts: {connect: 5, request: 120}
                retry: {max_attempts: 2}
            pool:
              models:
                - {name: smol-cold, endpoint: local, parameters: {temperature: 0.2}}
                - {name: smol-warm, endpoint: local, parameters: {temperature: 0.8}, weight: 2}
                - {name: smol-hot, endpoint: local, parameters: {temperature: 1.2, max_tokens: 6}}
              select: 2
            principles:
              mix:
                default: {helpfulness: 0.5, honesty: 0.25, verbalized_calibration: 0.25}
            """
        let document = try ConfigDocument(yaml: yaml, file: "e2e.yaml", directory: root)
        return try SamplingSetup.resolve(try document.decode(SamplingConfiguration.self), in: document)
    }

    @Test func quickstartPromptsBecomeSamplesShardsWithRealAnswers() async throws {
        let setup = try Self.setup()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-e2e-sampler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = try ResponseCache(path: directory.appendingPathComponent("cache.sqlite").path)
        let clients = try EndpointSet(setup.configuration.endpoints, cache: cache).chatClients()
        let run = SampleStage(sampler: try Sampler(setup: setup, clients: clients), window: 2)
        let out = directory.appendingPathComponent("samples").path
        let summary = try await run.run(try PromptReader(path: setup.promptsPath!, limit: 3), into: out)
        #expect(summary.prompts == 3)
        #expect(summary.incompletePrompts.isEmpty, "\(summary.failures)")

        let records = try SampleShards.records(out)
        #expect(records.count == 3)
        for record in records {
            let plan = setup.planner.plan(promptID: record.promptID, source: record.source)
            #expect(record.completions.map(\.model) == plan.map(\.model))
            for completion in record.completions {
                #expect(completion.usage.promptTokens > 0)
                #expect(completion.usage.completionTokens > 0)
                #expect(["stop", "length"].contains(completion.finishReason ?? ""))
                #expect(setup.principles[completion.principle]?.systemPrompts.contains(completion.customSystemPrompt) == true)
                if completion.model == "smol-hot" { #expect(completion.usage.completionTokens <= 6) }
            }
        }
        #expect(try SampleShards.records(out + "/mds") == records)

        // A second run answers from the cache: the same records, byte for byte.
        try await cache.flush()
        let again = directory.appendingPathComponent("again").path
        _ = try await run.run(try PromptReader(path: setup.promptsPath!, limit: 3), into: again)
        #expect(try SampleShards.records(again) == records)
        try await cache.close()
    }
}

/// Whether the local server's state file names a live server.
private enum LocalSamplerServer {
    static var isRunning: Bool { (try? LocalServerState.load()) != nil }
}
