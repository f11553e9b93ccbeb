import Foundation
import PrefabSimulator
import PrefabTestSupport
import Testing
@testable import Prefab

/// `prefab sample` as the built binary: the quickstart prompts through a 3-model pool against the
/// simulator, reproducibly, and its errors.
@Suite struct SampleCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `prefab` executable built beside the test bundle.
    static func prefab() throws -> String {
        try BuiltProduct.path("prefab")
    }

    static func run(_ arguments: [String], in directory: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await runProcess(
            try prefab(), arguments, environment: ["PREFAB_HOME": (directory as NSString).appendingPathComponent("home")], currentDirectory: directory)
    }

    static func config(port: String, extraModel: String = "") -> String {
        """
        seed: 42
        prompts: \(root.path)/datasets/quickstart/prompts.jsonl
        output: run
        endpoints:
          - {name: sim, provider: openai-compatible, base_url: "\(port)/v1", model: sim-model}
          - {name: broken, provider: openai-compatible, base_url: "\(port)/v1", model: sim-model, headers: {x-sim-fault: status=413}}
        pool:
          models:
            - {name: alpha, endpoint: sim, model: alpha-1, parameters: {temperature: 0.3, max_tokens: 48}}
            - {name: beta, endpoint: sim, model: beta-1, parameters: {temperature: 0.9}, weight: 2}
            - {name: gamma, endpoint: sim, model: gamma-1, parameters: {max_tokens: 6}}
        \(extraModel)
          select: 2
        principles:
          directory: \(root.path)/rubrics/principles
          mix:
            default: {helpfulness: 0.4, honesty: 0.2, truthfulness: 0.2, verbalized_calibration: 0.2}
            facts: {truthfulness: 0.7, honesty: 0.3}
        """
    }

    static func withWorkspace(_ body: (String, SimulatorServer) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-sample-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = SimulatorServer(configuration: SimulatorConfiguration(seed: 1))
        _ = try await server.start()
        do {
            try await body(directory, server)
        } catch {
            try await server.stop()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        try await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func theQuickstartPromptsGiveShardsThatCatShowsReproducibly() async throws {
        try await Self.withWorkspace { directory, server in
            try Self.config(port: server.baseURL).write(toFile: directory + "/sample.yaml", atomically: true, encoding: .utf8)
            let first = try await Self.run(["sample", "--config", "sample.yaml", "--quiet"], in: directory)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("wrote 48 prompts, 96 answers"))
            let shown = try await Self.run(["cat", "run/samples"], in: directory)
            #expect(shown.status == 0)
            let lines = shown.stdout.split(separator: "\n")
            #expect(lines.count == 48)
            let records = try lines.map { try JSONDecoder().decode(SampleRecord.self, from: Data($0.utf8)) }
            #expect(records.first?.promptID == "qs-facts-01")
            #expect(Set(records.flatMap(\.models)).isSubset(of: ["alpha", "beta", "gamma"]))
            #expect(try await Self.run(["cat", "run/samples/mds"], in: directory).stdout.split(separator: "\n").count == 48)

            // Again, replacing the output: every answer comes from the cache, byte for byte.
            let paid = server.stats().totalRequests
            let again = try await Self.run(["sample", "--config", "sample.yaml", "--force", "--quiet"], in: directory)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(server.stats().totalRequests == paid)
            #expect(try await Self.run(["cat", "run/samples"], in: directory).stdout == shown.stdout)

            // Without the cache, a fresh run makes the same choices and gets the same answers.
            let fresh = try await Self.run(["sample", "--config", "sample.yaml", "--no-cache", "--out", "fresh", "--quiet"], in: directory)
            #expect(fresh.status == 0, "\(fresh.stderr)")
            let freshRecords = try await Self.run(["cat", "fresh"], in: directory).stdout.split(separator: "\n")
                .map { try JSONDecoder().decode(SampleRecord.self, from: Data($0.utf8)) }
            func withoutLatency(_ records: [SampleRecord]) -> [SampleRecord] {
                records.map { record in
                    var record = record
                    for index in record.completions.indices { record.completions[index].latency = 0 }
                    return record
                }
            }
            #expect(withoutLatency(freshRecords) == withoutLatency(records))
        }
    }

    @Test func configMistakesAndInvalidPromptsStopBeforeAnyCall() async throws {
        try await Self.withWorkspace { directory, server in
            let typo = Self.config(port: server.baseURL).replacingOccurrences(of: "weight: 2", with: "wieght: 2")
            try typo.write(toFile: directory + "/typo.yaml", atomically: true, encoding: .utf8)
            let result = try await Self.run(["sample", "--config", "typo.yaml"], in: directory)
            #expect(result.status != 0)
            #expect(result.stderr.contains("typo.yaml:10:"), "\(result.stderr)")
            #expect(result.stderr.contains("pool.models[1].wieght"))

            try Self.config(port: server.baseURL).write(toFile: directory + "/sample.yaml", atomically: true, encoding: .utf8)
            try "{\"prompt\": \"ok\"}\n{\"prompt\": \"\"}\n".write(toFile: directory + "/bad.jsonl", atomically: true, encoding: .utf8)
            let bad = try await Self.run(["sample", "--config", "sample.yaml", "--prompts", "bad.jsonl"], in: directory)
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("bad.jsonl:2: prompt: empty prompt"), "\(bad.stderr)")
            #expect(server.stats().totalRequests == 0)
            #expect(!FileManager.default.fileExists(atPath: directory + "/run"))

            let skipped = try await Self.run(["sample", "--config", "sample.yaml", "--prompts", "bad.jsonl", "--skip-invalid"], in: directory)
            #expect(skipped.status == 0, "\(skipped.stderr)")
            #expect(skipped.stdout.contains("invalid records skipped: empty_prompt 1"))
            #expect(skipped.stdout.contains("bad.jsonl:2"))
        }
    }

    /// A 413 is about one request (not retried, not a sign the endpoint refuses everything), so
    /// its prompts are sampled, listed incomplete, and retried by the next run.
    @Test func failedGenerationsExitWithStatusThree() async throws {
        try await Self.withWorkspace { directory, server in
            let config = Self.config(port: server.baseURL, extraModel: "    - {name: lost, endpoint: broken}")
                .replacingOccurrences(of: "  select: 2", with: "  select: all")
            try config.write(toFile: directory + "/sample.yaml", atomically: true, encoding: .utf8)
            let result = try await Self.run(["sample", "--config", "sample.yaml", "--limit", "4", "--quiet"], in: directory)
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stdout.contains("incomplete prompts: 4; failed generations: http_status 4"))
            let shown = try await Self.run(["cat", "run/samples"], in: directory).stdout.split(separator: "\n")
            #expect(shown.count == 4)
        }
    }
}
