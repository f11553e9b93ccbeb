import Foundation
import PrefabSimulator
import Testing
@testable import Prefab

/// The sampler against the in-process simulator: real HTTP through the endpoint layer.
@Suite struct SamplerTests {
    static let library = PrincipleLibrary([
        Principle(name: "helpfulness", systemPrompts: ["Be helpful.", "Help well."]),
        Principle(name: "honesty", systemPrompts: ["Be honest."]),
    ])

    static func endpoint(_ name: String, _ server: SimulatorServer, headers: [String: String] = [:]) -> EndpointConfiguration {
        EndpointConfiguration(
            name: name, provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model",
            headers: headers, retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.001, maxDelay: 0.01))
    }

    static func setup(
        _ server: SimulatorServer, select: ModelSelection = .count(2), extraEndpoints: [EndpointConfiguration] = [],
        extraModels: [PoolModel] = []
    ) -> SamplingSetup {
        let models = [
            PoolModel(name: "cold", endpoint: "sim", model: "cold-model", parameters: GenerationParameters(temperature: 0.1, maxTokens: 3)),
            PoolModel(name: "warm", endpoint: "sim", parameters: GenerationParameters(temperature: 0.9), weight: 2),
            PoolModel(name: "hot", endpoint: "sim", parameters: GenerationParameters(temperature: 1.3), weight: 3, limits: ModelLimits(maxConcurrent: 1)),
        ] + extraModels
        let configuration = SamplingConfiguration(
            seed: 5, endpoints: [endpoint("sim", server)] + extraEndpoints,
            pool: ModelPoolConfiguration(models: models, select: select))
        return SamplingSetup(configuration: configuration, principles: library)
    }

    static func withSimulator(_ body: (SimulatorServer) async throws -> Void) async throws {
        let server = SimulatorServer(configuration: SimulatorConfiguration(seed: 3, models: ["sim-model", "cold-model"]))
        _ = try await server.start()
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    static func sampler(_ setup: SamplingSetup, cache: ResponseCache? = nil) throws -> Sampler {
        try Sampler(setup: setup, clients: EndpointSet(setup.configuration.endpoints, cache: cache).chatClients())
    }

    static let prompts = (0..<24).map { PromptRecord(prompt: "Question number \($0): why is the sky blue?", source: $0 % 2 == 0 ? "flan" : "") }

    /// Latency is the one field that differs between runs.
    static func withoutLatency(_ record: SampleRecord) -> SampleRecord {
        var record = record
        for index in record.completions.indices { record.completions[index].latency = 0 }
        return record
    }

    @Test func recordsEveryPlannedAnswerWithItsModelPrincipleSeedAndFlags() async throws {
        try await Self.withSimulator { server in
            let setup = Self.setup(server)
            let sampler = try Self.sampler(setup)
            for prompt in Self.prompts {
                let record = await sampler.sample(prompt)
                let plan = setup.planner.plan(promptID: prompt.promptID, source: prompt.source)
                #expect(record.complete)
                #expect(record.promptID == prompt.promptID)
                #expect(record.instruction == prompt.instruction)
                #expect(record.models == plan.map(\.model))
                #expect(record.completions.map(\.sampleIndex) == [0, 1])
                for (completion, planned) in zip(record.completions, plan) {
                    #expect(completion.model == planned.model)
                    #expect(completion.principle == planned.principle)
                    #expect(completion.customSystemPrompt == planned.systemPrompt)
                    #expect(completion.seed == planned.seed)
                    #expect(!completion.response.isEmpty)
                    #expect(completion.usage.completionTokens > 0)
                    // `cold` may write 3 tokens only: cut off, and flagged.
                    #expect(completion.isTruncated == (completion.model == "cold"))
                    #expect(completion.finishReason == (completion.model == "cold" ? "length" : "stop"))
                }
            }
            let stats = server.stats()
            #expect(stats.totalRequests == Self.prompts.count * 2)
            #expect(stats.seededRequests == stats.totalRequests)
            #expect((stats.models["cold-model"] ?? 0) > 0, "the pool model's model id overrides the endpoint's")
        }
    }

    @Test func theSameConfigGivesTheSameRecordsInAnyOrder() async throws {
        try await Self.withSimulator { server in
            let setup = Self.setup(server)
            let first = try Self.sampler(setup)
            var records: [String: SampleRecord] = [:]
            for prompt in Self.prompts { records[prompt.promptID] = Self.withoutLatency(await first.sample(prompt)) }
            let second = try Self.sampler(setup)
            var generator = SeededGenerator(seed: 1, "order")
            for prompt in Self.prompts.shuffled(using: &generator) {
                #expect(Self.withoutLatency(await second.sample(prompt)) == records[prompt.promptID])
            }
        }
    }

    @Test func aFailedGenerationIsRecordedWithItsReasonAndRetriedLater() async throws {
        try await Self.withSimulator { server in
            let broken = Self.endpoint("broken", server, headers: ["x-sim-fault": "status=500"])
            let setup = Self.setup(
                server, select: .all, extraEndpoints: [broken],
                extraModels: [PoolModel(name: "flaky", endpoint: "broken")])
            let sampler = try Self.sampler(setup)
            let prompt = Self.prompts[0]
            let record = await sampler.sample(prompt)
            #expect(!record.complete)
            #expect(record.models == ["cold", "warm", "hot", "flaky"])
            #expect(record.completions.map(\.model) == ["cold", "warm", "hot"])
            let failure = try #require(record.failures.first)
            #expect(record.failures.count == 1)
            #expect(failure.model == "flaky")
            #expect(failure.sampleIndex == 3)
            #expect(failure.kind == .httpStatus)
            #expect(failure.attempts == 2)
            #expect(failure.reason.contains("HTTP 500"))
            let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any]
            #expect(encoded?["complete"] as? Bool == false)

            // Later, with the endpoint healthy again, only the missing sample is asked for.
            var healed = setup
            healed.configuration.endpoints[1] = Self.endpoint("broken", server)
            let before = server.stats().totalRequests
            let retried = try await Self.sampler(healed).retryFailures(of: record, prompt: prompt)
            #expect(retried.complete)
            #expect(retried.completions.map(\.sampleIndex) == [0, 1, 2, 3])
            #expect(server.stats().totalRequests == before + 1)
        }
    }

    @Test func transientFailuresAreRetriedByTheEndpointLayer() async throws {
        try await Self.withSimulator { server in
            let flaky = Self.endpoint("flaky", server, headers: ["x-sim-fault": "status=503", "x-sim-fail-times": "1"])
            let setup = Self.setup(
                server, select: .all, extraEndpoints: [flaky], extraModels: [PoolModel(name: "recovering", endpoint: "flaky")])
            let record = try await Self.sampler(setup).sample(Self.prompts[1])
            #expect(record.complete)
            #expect(record.completions.map(\.model).contains("recovering"))
            #expect(server.stats().faults["status_503"] == 1)
        }
    }

    @Test func aResumedRunGetsItsAnswersFromTheCache() async throws {
        try await Self.withSimulator { server in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-sampler-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let setup = Self.setup(server)
            let cache = try ResponseCache(path: directory.appendingPathComponent("cache.sqlite").path)
            let first = try Self.sampler(setup, cache: cache)
            var records: [SampleRecord] = []
            for prompt in Self.prompts.prefix(6) { records.append(await first.sample(prompt)) }
            try await cache.flush()
            let paid = server.stats().totalRequests
            let again = try Self.sampler(setup, cache: cache)
            for (prompt, record) in zip(Self.prompts.prefix(6), records) {
                #expect(await again.sample(prompt) == record)
            }
            #expect(server.stats().totalRequests == paid, "nothing is paid for twice")
            try await cache.close()
        }
    }

    @Test func thePrinciplesSystemPromptJoinsTheConversationsOwn() throws {
        let setup = SamplingSetup(
            configuration: SamplingConfiguration(
                endpoints: [], pool: ModelPoolConfiguration(models: [PoolModel(name: "m", endpoint: "e", model: "id-1")])),
            principles: Self.library)
        let sampler = try Sampler(setup: setup, clients: ["e": UnreachableClient()])
        let planned = PlannedSample(sampleIndex: 2, model: "m", principle: "honesty", systemPrompt: "Be honest.", seed: 42)
        let withSystem = PromptRecord(messages: [.system("You are terse."), .user("Hi")])
        let request = sampler.request(for: planned, withSystem)
        #expect(request.messages == [.system("Be honest.\n\nYou are terse."), .user("Hi")])
        #expect(request.parameters.seed == 42)
        #expect(request.sampleIndex == 2)
        #expect(request.model == "id-1")
        let plain = sampler.request(for: planned, PromptRecord(prompt: "Hi"))
        #expect(plain.messages == [.system("Be honest."), .user("Hi")])
        var none = planned
        none.systemPrompt = ""
        #expect(sampler.request(for: none, PromptRecord(prompt: "Hi")).messages == [.user("Hi")])
    }

    @Test func aPoolModelWithoutAClientIsASetupError() {
        let setup = SamplingSetup(
            configuration: SamplingConfiguration(
                endpoints: [], pool: ModelPoolConfiguration(models: [PoolModel(name: "m", endpoint: "e")])),
            principles: Self.library)
        #expect(throws: SamplerError.self) { try Sampler(setup: setup, clients: [:]) }
    }
}

/// A client for tests that never reach the network.
private struct UnreachableClient: ChatClient {
    var identity: ModelIdentity { ModelIdentity(provider: "test", baseURL: "none", model: "none", defaults: GenerationParameters()) }
    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        throw CancellationError()
    }
}
