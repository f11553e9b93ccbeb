import Foundation
import Logging
import PrefabSimulator
import PrefabTestSupport
@testable import PrefabLLM

/// A simulator started for one test, and endpoint configurations that point at it.
struct SimFixture {
    let server: SimulatorServer

    static func start(_ configuration: SimulatorConfiguration = SimulatorConfiguration(threads: 2)) async throws -> SimFixture {
        let server = SimulatorServer(configuration: configuration)
        try await server.start()
        return SimFixture(server: server)
    }

    func stop() async throws {
        try await server.stop()
    }

    /// Runs `body` against a fresh simulator and stops it afterwards, whatever happens.
    static func with<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(threads: 2),
        _ body: (SimFixture) async throws -> T
    ) async throws -> T {
        try await SimulatorHarness.run(configuration) { server in try await body(SimFixture(server: server)) }
    }

    /// An OpenAI-compatible endpoint on the simulator with fast retries.
    func openAI(
        _ name: String = "sim",
        headers: [String: String] = [:],
        apiKeyEnv: String? = nil,
        limits: EndpointLimits = EndpointLimits(maxConcurrent: 64),
        retry: RetryPolicy = SimFixture.fastRetry,
        timeouts: Timeouts = Timeouts(connect: 5, request: 30),
        parameters: GenerationParameters = GenerationParameters(),
        price: Price? = nil
    ) -> EndpointConfiguration {
        EndpointConfiguration(
            name: name, provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model",
            parameters: parameters, apiKeyEnv: apiKeyEnv, headers: headers, limits: limits, price: price,
            timeouts: timeouts, retry: retry)
    }

    /// An Anthropic endpoint on the simulator (base URL without `/v1`, as Anthropic's own).
    func anthropic(_ name: String = "sim-anthropic", headers: [String: String] = [:], apiKeyEnv: String? = nil) -> EndpointConfiguration {
        EndpointConfiguration(
            name: name, provider: .anthropic, baseURL: server.baseURL, model: "sim-claude",
            apiKeyEnv: apiKeyEnv, headers: headers, retry: SimFixture.fastRetry)
    }

    /// Retries that wait milliseconds, not seconds, unless a Retry-After says otherwise.
    static let fastRetry = RetryPolicy(maxAttempts: 4, initialDelay: 0.01, maxDelay: 0.05, maxRetryAfter: 10)

    static func ask(_ text: String, _ parameters: GenerationParameters = GenerationParameters(), sampleIndex: Int = 0) -> ChatRequest {
        ChatRequest(messages: [.user(text)], parameters: parameters, sampleIndex: sampleIndex)
    }
}

/// Log lines captured in memory, so tests can search them.
final class CapturedLogs: Sendable {
    private let lines = Locked<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// A logger at trace level that writes here.
    func logger(_ label: String = "test") -> Logger {
        Logger(label: label) { label in CapturingLogHandler(label: label, sink: self) }
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        sink.append("\(event.level) \(label) \(event.message) \(merged)")
    }
}

/// A scratch directory removed when the test ends.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "prefab-llm-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
