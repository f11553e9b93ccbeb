import Foundation
import PrefabSimulator
import PrefabShards
import Testing
@testable import Prefab

/// The whole sampling stage: prompts in, samples shards out (JSONL.zst and MDS), atomically.
@Suite struct SamplingRunTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/input/prompts").standardizedFileURL.path

    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A simulator whose answers take a random 0–15 ms, so prompts finish out of order.
    static func withSimulator(_ body: (SimulatorServer) async throws -> Void) async throws {
        let server = SimulatorServer(configuration: SimulatorConfiguration(seed: 9, latency: .uniform(minMilliseconds: 0, maxMilliseconds: 15)))
        _ = try await server.start()
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    static func configuration(_ server: SimulatorServer, headers: [String: String] = [:]) -> SamplingConfiguration {
        SamplingConfiguration(
            seed: 3,
            endpoints: [
                EndpointConfiguration(
                    name: "sim", provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model",
                    headers: headers, retry: RetryPolicy(maxAttempts: 1))
            ],
            pool: ModelPoolConfiguration(
                models: ["a", "b", "c"].map { PoolModel(name: $0, endpoint: "sim", parameters: GenerationParameters(maxTokens: 12)) },
                select: .count(2)))
    }

    static func run(_ server: SimulatorServer, headers: [String: String] = [:]) throws -> SampleStage {
        let configuration = Self.configuration(server, headers: headers)
        let setup = SamplingSetup(
            configuration: configuration,
            principles: PrincipleLibrary([Principle(name: "helpfulness", systemPrompts: ["Help."])]))
        let sampler = try Sampler(setup: setup, clients: EndpointSet(configuration.endpoints).chatClients())
        return SampleStage(sampler: sampler, window: 4, configHash: SampleStage.configHash(configuration))
    }

    /// A prompts file of `count` lines.
    static func promptsFile(in directory: String, count: Int, badLine: Int? = nil) throws -> String {
        var lines: [String] = []
        for index in 1...count {
            lines.append(index == badLine ? "{\"prompt\": 3}" : "{\"id\": \"q\(index)\", \"prompt\": \"Question \(index)?\", \"source\": \"s\"}")
        }
        let path = (directory as NSString).appendingPathComponent("prompts.jsonl")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func writesEveryPromptInInputOrderAsJSONLZstAndMDS() async throws {
        try await Self.withSimulator { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let prompts = try Self.promptsFile(in: directory, count: 30)
            let out = (directory as NSString).appendingPathComponent("samples")
            var progressCalls = 0
            let summary = try await Self.run(server).run(try PromptReader(path: prompts), into: out) { _ in progressCalls += 1 }
            #expect(summary.prompts == 30)
            #expect(summary.completions == 60)
            #expect(summary.incompletePrompts.isEmpty)
            #expect(progressCalls == 30)
            let records = try SampleShards.records(out)
            #expect(records.map(\.promptID) == (1...30).map { "q\($0)" })
            #expect(records.allSatisfy { $0.complete && $0.completions.count == 2 })
            let mds = try SampleShards.records((out as NSString).appendingPathComponent(SampleShards.mdsDirectory))
            #expect(mds == records)
            let dataset = try Shards.open(out)
            #expect(dataset.format == .jsonlZst)
            #expect(dataset.manifest?.configHash == SampleStage.configHash(Self.configuration(server)))
        }
    }

    @Test func anInvalidRecordLeavesNoOutputBehind() async throws {
        try await Self.withSimulator { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let prompts = try Self.promptsFile(in: directory, count: 20, badLine: 17)
            let out = (directory as NSString).appendingPathComponent("samples")
            await #expect(throws: SampleStageError.self) {
                try await Self.run(server).run(try PromptReader(path: prompts), into: out)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["prompts.jsonl"])
            // Validating first reports it before any call.
            let before = server.stats().totalRequests
            #expect(throws: PromptInputError.self) {
                try SampleStage.validate { () throws(PromptInputError) in try PromptReader(path: prompts) }
            }
            #expect(server.stats().totalRequests == before)
        }
    }

    @Test func skippedAndDuplicateRecordsAreCountedInTheSummary() async throws {
        try await Self.withSimulator { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let out = (directory as NSString).appendingPathComponent("samples")
            let summary = try await Self.run(server).run(
                try PromptReader(path: Self.fixtures + "/invalid.jsonl", skipInvalid: true), into: out)
            #expect(summary.prompts == 2)
            #expect(summary.input.invalidCount == 15)
            let valid = try await Self.run(server).run(
                try PromptReader(path: Self.fixtures + "/valid.jsonl"), into: out + "2")
            #expect(valid.prompts == 5)
            #expect(valid.input.duplicates == 3)
            let records = try SampleShards.records(out + "2")
            #expect(records[2].metadata == ["difficulty": "easy", "tags": ["math"]])
            #expect(records[2].reference == "2")
        }
    }

    /// A 413 is about each request, not the endpoint (an identical 400 on every call would stop
    /// the stage as a request the server cannot take: `EndpointStopTests`).
    @Test func failedGenerationsAreWrittenAndCounted() async throws {
        try await Self.withSimulator { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let prompts = try Self.promptsFile(in: directory, count: 5)
            let out = (directory as NSString).appendingPathComponent("samples")
            let summary = try await Self.run(server, headers: ["x-sim-fault": "status=413"]).run(try PromptReader(path: prompts), into: out)
            #expect(summary.prompts == 5)
            #expect(summary.completions == 0)
            #expect(summary.incompletePrompts.count == 5)
            #expect(summary.failures == ["http_status": 10])
            let records = try SampleShards.records(out)
            #expect(records.allSatisfy { !$0.complete && $0.failures.count == 2 && $0.completions.isEmpty })
        }
    }

    @Test func anExistingOutputIsRefusedUnlessReplacing() async throws {
        try await Self.withSimulator { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let prompts = try Self.promptsFile(in: directory, count: 3)
            let out = (directory as NSString).appendingPathComponent("samples")
            _ = try await Self.run(server).run(try PromptReader(path: prompts), into: out)
            await #expect(throws: SampleStageError.self) {
                try await Self.run(server).run(try PromptReader(path: prompts), into: out)
            }
            let replaced = try await Self.run(server).run(try PromptReader(path: prompts, limit: 2), into: out, replacing: true)
            #expect(replaced.prompts == 2)
            #expect(try SampleShards.records(out).count == 2)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["prompts.jsonl", "samples"])
        }
    }
}
