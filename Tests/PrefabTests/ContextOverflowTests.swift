import Foundation
import PrefabSimulator
import Testing

@testable import Prefab

/// Requests longer than the model's context: the error is recognised as its own kind with the
/// fix in its message, never mistaken for a refused schema or an endpoint that fails every call,
/// and a multi-mode judge splits a call that would not fit instead of failing the prompt.
@Suite struct ContextOverflowTests {
    /// An answer of `words` simulated tokens (the simulator counts words).
    static func answer(words: Int, tag: String) -> String {
        (0..<words).map { "\(tag)\($0 % 10)" }.joined(separator: " ")
    }

    /// Three answers of 2,500 words each: one fits a 4,500-token context with the judge's
    /// template and `max_tokens` (600), two do not.
    static let longAnswers = ["a", "b", "c"].map { answer(words: 2500, tag: $0) }

    static let window = 4500

    static func ultrafeedback(_ server: SimulatorServer, contextWindow: Int? = nil) throws -> JudgeEnsemble {
        var endpoint = JudgingFixtures.endpoint(server)
        endpoint.contextWindow = contextWindow
        return try JudgeEnsemble.load(
            file: JudgingFixtures.ensembleFile("ultrafeedback"), endpoints: EndpointSet([endpoint]),
            rubrics: JudgingFixtures.rubrics, seed: 7)
    }

    static func expectFullyRated(_ record: RatedRecord) {
        #expect(record.completions.count == 3)
        for completion in record.completions {
            #expect(completion.annotations.count == 4, "\(completion.annotations.keys.sorted())")
            #expect(completion.annotations.values.allSatisfy { $0.score != nil })
            #expect(completion.fineGrainedScore != nil)
            #expect(completion.flags.allSatisfy { !$0.hasPrefix("incomplete") })
        }
    }

    @Test func messagesOfLlamaCppOpenAIAndAnthropicAreContextOverflows() {
        let overflows = [
            (400, "request (2991 tokens) exceeds the available context size (2048 tokens), try increasing it"),
            (400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."),
            (400, "prompt is too long: 201234 tokens > 200000 maximum"),
            (413, "Input exceeds the context window of this model"),
        ]
        for (status, message) in overflows {
            let error = EndpointError.http(endpoint: "judge", status: status, message: message)
            #expect(error.isContextOverflow, "\(message)")
            #expect(!error.isFatal && !error.isTransient)
            #expect(error.description.contains("PREFAB_LOCAL_CTX_PER_SLOT") && error.description.contains("max_tokens"))
            #expect(Sampler.classify(error).kind == .contextOverflow)
            #expect(EndpointError.retriesExhausted(endpoint: "judge", attempts: 2, last: error).isContextOverflow)
        }
        for (status, message) in [(400, "Invalid value for 'temperature'"), (429, "Rate limit reached for tokens per min (context length)"),
                                  (401, "Incorrect API key provided")] {
            let error = EndpointError.http(endpoint: "judge", status: status, message: message)
            #expect(!error.isContextOverflow, "\(status) \(message)")
            #expect(!error.description.contains("PREFAB_LOCAL_CTX_PER_SLOT"))
        }
    }

    @Test func repeatedContextOverflowsDoNotStopTheEndpoint() {
        let halt = EndpointHalt(shapeStreak: 3)
        for tokens in [3000, 3000, 3000, 3000] {
            let error = EndpointError.http(
                endpoint: "judge", status: 400,
                message: "request (\(tokens) tokens) exceeds the available context size (2048 tokens), try increasing it")
            #expect(halt.failed(endpoint: "judge", error: error, askedForSchema: false) == nil)
        }
        #expect(halt.stop == nil)
    }

    @Test func aConfiguredContextWindowMustBePositive() {
        var endpoint = EndpointConfiguration(name: "judge", provider: .openAICompatible, baseURL: "http://127.0.0.1:1/v1", model: "m")
        endpoint.contextWindow = 0
        #expect(throws: EndpointError.self) { try endpoint.validate() }
        endpoint.contextWindow = 4096
        #expect(throws: Never.self) { try endpoint.validate() }
    }

    /// A `local` endpoint whose state file points at `server` (the simulator standing in for
    /// llama.cpp), under a scratch Prefab home.
    static func localEndpoint(_ server: SimulatorServer, home: String) throws -> (EndpointConfiguration, [String: String]) {
        let state = LocalServerState(
            pid: ProcessInfo.processInfo.processIdentifier, port: server.port ?? 0, baseURL: server.baseURL + "/v1", model: "sim-model")
        let path = PrefabHome(path: home).localServerStatePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try JSONEncoder().encode(state).write(to: URL(fileURLWithPath: path))
        return (EndpointConfiguration(name: "judge", provider: .local, retry: RetryPolicy(maxAttempts: 1)), ["PREFAB_HOME": home])
    }

    @Test func theLocalServersPropsGiveTheContextWindowAndAConfiguredOneWins() async throws {
        let home = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, threads: 2, contextWindow: 4321)) { server in
            var (local, environment) = try Self.localEndpoint(server, home: home)
            let asked = try EndpointClient(configuration: local, environment: environment)
            #expect(await asked.contextWindow == 4321)
            #expect(await asked.contextWindow == 4321)
            #expect(server.stats().requests(path: "/props") == 1, "asked once")
            local.contextWindow = 1000
            let configured = try EndpointClient(configuration: local, environment: environment)
            #expect(await configured.contextWindow == 1000)
            // Other providers are not asked: a cached run makes no request at all.
            let other = try EndpointClient(configuration: JudgingFixtures.endpoint(server))
            #expect(await other.contextWindow == nil)
            #expect(server.stats().requests(path: "/props") == 1)
        }
        try await JudgingFixtures.withSimulator { server in
            // No /props (a 404): unknown, and no failure.
            let (local, environment) = try Self.localEndpoint(server, home: home)
            let client = try EndpointClient(configuration: local, environment: environment)
            #expect(await client.contextWindow == nil)
        }
    }

    @Test func aMultiCallThatWouldNotFitTheKnownWindowIsSplitBeforeAsking() async throws {
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, threads: 2, contextWindow: Self.window)) { server in
            let record = try await Self.ultrafeedback(server, contextWindow: Self.window).rate(JudgingFixtures.input(responses: Self.longAnswers))
            Self.expectFullyRated(record)
            let stats = server.stats()
            #expect(stats.count(path: "/v1/chat/completions", status: 400) == 0)
            // Each aspect's three answers went one a call.
            #expect(stats.count(path: "/v1/chat/completions", status: 200) == 12)
            // Every vote says where its part began, at the position it had within its part.
            let votes = record.completions.flatMap(\.votes)
            #expect(votes.count == 12)
            #expect(votes.allSatisfy { $0.part != nil && $0.position == 0 }, "\(votes.map { ($0.part, $0.position) })")
            #expect(Set(votes.compactMap(\.part)) == [0, 1, 2])
        }
    }

    @Test func aMultiCallTheServerRefusesForLengthIsSplitInHalves() async throws {
        // The endpoint claims far more context than the server has: the server's 400s decide.
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, threads: 2, contextWindow: Self.window)) { server in
            let record = try await Self.ultrafeedback(server, contextWindow: 1_000_000).rate(JudgingFixtures.input(responses: Self.longAnswers))
            Self.expectFullyRated(record)
            let stats = server.stats()
            // Per aspect: all three (400), one alone (200), two (400), then each alone (200, 200).
            #expect(stats.count(path: "/v1/chat/completions", status: 400) == 8)
            #expect(stats.count(path: "/v1/chat/completions", status: 200) == 12)
            // The overflows were not taken for a refused schema: every answered call asked for one.
            #expect(stats.structuredRequests == 12)
        }
    }

    @Test func anAnswerTooLongEvenAloneFailsThePromptAsAContextOverflow() async throws {
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, threads: 2, contextWindow: Self.window)) { server in
            let responses = [Self.answer(words: 6000, tag: "x"), "Short answer."]
            do {
                _ = try await Self.ultrafeedback(server, contextWindow: 1_000_000).rate(JudgingFixtures.input(responses: responses))
                Issue.record("rating an answer longer than the context succeeded")
            } catch JudgeError.contextOverflow(let judge, let promptID, let reason) {
                #expect(judge == "uf-judge" && promptID == "p1")
                #expect(reason.contains("exceeds the available context size") && reason.contains("PREFAB_LOCAL_CTX_PER_SLOT"))
            }
        }
    }
}
