import Foundation
import PrefabSimulator
import PrefabTestSupport
import Testing

@testable import Prefab

/// Shared pieces for the judging suites: the repository's bundled rubrics and ensembles, the
/// in-process simulator, sample inputs.
enum JudgingFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static var rubrics: RubricLibrary { RubricLibrary(directory: repository + "/rubrics") }

    static func ensembleFile(_ name: String) -> String { repository + "/judges/\(name).yaml" }

    static func endpoint(_ server: SimulatorServer, name: String = "judge", headers: [String: String] = [:]) -> EndpointConfiguration {
        EndpointConfiguration(
            name: name, provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model", headers: headers,
            retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.001, maxDelay: 0.01))
    }

    static func withSimulator<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(seed: 11, threads: 2),
        _ body: (SimulatorServer) async throws -> T
    ) async throws -> T {
        try await SimulatorHarness.run(configuration, body)
    }

    /// A bundled ensemble pointed at the simulator.
    static func ensemble(
        _ name: String, _ server: SimulatorServer, headers: [String: String] = [:], cache: ResponseCache? = nil, seed: UInt64 = 7
    ) throws -> JudgeEnsemble {
        try JudgeEnsemble.load(
            file: ensembleFile(name), endpoints: EndpointSet([endpoint(server, headers: headers)], cache: cache), rubrics: rubrics, seed: seed)
    }

    static func input(
        _ id: String = "p1", prompt: String = "What is 6 times 7?", responses: [String], reference: String? = nil,
        metadata: JSONObject = JSONObject()
    ) -> SampleRecord {
        SampleRecord(
            promptID: id, source: "test", messages: [.user(prompt)], reference: reference, metadata: metadata.isEmpty ? nil : .object(metadata),
            completions: responses.enumerated().map { index, response in
                SampleCompletion(model: "m\(index)", principle: "helpfulness", response: response, finishReason: "stop", sampleIndex: index, flags: [])
            })
    }

    static let threeAnswers = ["6 times 7 is 42.", "It is 41, I believe.", "The product of six and seven is forty-two, since 6 x 7 = 42."]

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-judging-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A chat client for unit tests at the edge: answers from a script and records the requests.
final class ScriptedChatClient: ChatClient, @unchecked Sendable {
    let identity = ModelIdentity(provider: "test", baseURL: "test", model: "scripted")
    private let lock = NSLock()
    private var script: [(ChatRequest) throws -> ChatResponse]
    private(set) var requests: [ChatRequest] = []

    init(_ script: [(ChatRequest) throws -> ChatResponse]) {
        self.script = script
    }

    static func answer(_ text: String, finish: FinishReason = .stop) -> (ChatRequest) throws -> ChatResponse {
        { _ in
            ChatResponse(
                model: "scripted", choices: [ChatChoice(index: 0, text: text, finishReason: finish)],
                usage: TokenUsage(promptTokens: 10, completionTokens: 5), latency: 0)
        }
    }

    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        let step: (ChatRequest) throws -> ChatResponse = lock.withLock {
            requests.append(request)
            return script.count > 1 ? script.removeFirst() : script[0]
        }
        return try step(request)
    }
}

extension JudgingFixtures {
    /// Writes samples records as a JSONL.zst shard directory, the way the sampler does.
    static func writeSamples(_ records: [SampleRecord], to directory: String) throws {
        let writer = try Shards.makeWriter(directory: directory, options: ShardWriterOptions(format: .jsonlZst, basename: "samples"))
        for record in records { try writer.write(try JSONObject(encoding: record)) }
        try writer.finish()
    }

    static func samples(_ count: Int) -> [SampleRecord] {
        (0..<count).map { index in
            let answers = ["\(index) plus \(index) is \(2 * index).", "It is \(2 * index + 1).", "Adding \(index) to itself gives \(2 * index), because doubling a number adds it to itself."]
            return SampleRecord(
                promptID: "s\(index)", source: "math", messages: [.user("What is \(index) plus \(index)?")],
                instruction: "What is \(index) plus \(index)?", reference: String(2 * index),
                metadata: .object(["world_knowledge": .string("\(index) + \(index) = \(2 * index)")]), models: ["a", "b", "c"],
                completions: answers.enumerated().map { sample, answer in
                    SampleCompletion(model: ["a", "b", "c"][sample], principle: "helpfulness", customSystemPrompt: "Be helpful.", response: answer, finishReason: index == 1 && sample == 2 ? "length" : "stop", usage: TokenUsage(promptTokens: 5, completionTokens: 7), sampleIndex: sample, seed: sample)
                })
        }
    }

    static func readAll(_ directory: String) throws -> [RatedRecord] {
        try Shards.open(directory).readAll().map { try $0.decode(RatedRecord.self) }
    }

    /// The built `prefab` executable.
    static var prefab: String {
        get throws { try BuiltProduct.path("prefab") }
    }

    /// Runs the CLI and returns its status and output.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await runProcess(try prefab, arguments, environment: environment)
    }
}
