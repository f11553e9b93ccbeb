import Foundation
import PrefabSimulator
import Testing
@testable import Prefab

/// The diversity metrics through Prefab's real HTTP client against `prefab-sim`, which answers
/// every JSON-schema request with JSON valid for the schema (but with arbitrary values, so its
/// cluster answers are rarely a clean partition of the numbered texts).
@Suite struct DiversitySimulatorTests {
    /// Counts the calls the agent makes, to compare with what the simulator saw.
    actor CountingChat: StructuredChat {
        let base: any StructuredChat
        private(set) var requests: [StructuredChatRequest] = []

        init(_ base: any StructuredChat) { self.base = base }

        func respond(to request: StructuredChatRequest) async throws -> String {
            requests.append(request)
            return try await base.respond(to: request)
        }
    }

    private static func withSimulator<T>(
        _ configuration: SimulatorConfiguration, _ body: (SimulatorServer, EndpointClient) async throws -> T
    ) async throws -> T {
        let server = SimulatorServer(configuration: configuration)
        _ = try await server.start()
        do {
            let endpoint = EndpointConfiguration(
                name: "sim", provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model",
                retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.05, maxRetryAfter: 1))
            let result = try await body(server, try EndpointClient(configuration: endpoint))
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    @Test func clusterAgentRunsAgainstTheSimulatorAndCountsItsMalformedAnswers() async throws {
        var configuration = ClusterAgentConfiguration()
        configuration.samplesPerRound = 6
        configuration.criteriaSamplesPerRound = 3
        configuration.criteriaRounds = 3
        configuration.clusteringRounds = 8
        configuration.maximumRetries = 1
        configuration.seeds = [0, 1]
        configuration.concurrency = 1
        let documents = DiversityCorpusGenerator.varied(count: 30)

        try await Self.withSimulator(SimulatorConfiguration(seed: 3, unparseableRate: 0.25, threads: 1)) { server, client in
            let chat = CountingChat(SchemaConstrainedChat(client: client))
            let result = try await ClusterAgent(chat: chat, configuration: configuration).measure(documents)
            let known = Set(ClusterAgentReply.Problem.allCases.map(\.rawValue))
            var failures: [String: Int] = [:]
            for seed in result.seeds {
                #expect(!seed.criteria.isEmpty)
                #expect(seed.roundsScored + seed.roundsDiscarded == 8)
                #expect(Set(seed.failures.keys).isSubset(of: known))
                failures.merge(seed.failures, uniquingKeysWith: +)
            }
            // Prose instead of JSON (the simulator's injected fault) and schema-valid clusters
            // that miss or repeat a text number both show up, counted by reason.
            #expect(failures["malformed_json", default: 0] > 0)
            #expect(failures["missing_index", default: 0] + failures["duplicate_index", default: 0] > 0)

            let requests = await chat.requests
            let stats = server.stats()
            #expect(stats.requests(path: "/v1/chat/completions") == requests.count)
            #expect(stats.structuredRequests == requests.count)
            // A retry is a new question (new seed), never the same request again.
            #expect(stats.uniqueBodies == stats.totalRequests)
            // Every call is a first attempt or a counted retry.
            let firstAttempts = requests.count - result.seeds.reduce(0) { $0 + $1.retries }
            let verifications = requests.filter { $0.purpose == .verifyClusters }
            #expect(firstAttempts >= 2 * (3 + 1 + 8))
            #expect(firstAttempts == 2 * (3 + 1 + 8) + Set(verifications.map(\.user)).count)
        }
    }

    @Test func answersCutOffAtTheTokenLimitCountAsTruncated() async throws {
        try await Self.withSimulator(SimulatorConfiguration(seed: 1, threads: 1)) { _, client in
            let chat = SchemaConstrainedChat(client: client, maxTokens: 6)
            let request = ClusterAgentPrompts.proposeCriteria(samples: ["one text", "another"], seed: 1)
            await #expect(throws: StructuredChatError.truncated) { try await chat.respond(to: request) }

            var configuration = ClusterAgentConfiguration()
            configuration.seeds = [0]
            configuration.criteriaRounds = 2
            configuration.maximumRetries = 1
            await #expect(throws: DiversityError.criteriaFailed(seed: 0, reason: "all 2 proposal rounds gave unusable answers")) {
                try await ClusterAgent(chat: chat, configuration: configuration).measure(DiversityCorpusGenerator.varied(count: 20))
            }
        }
    }

    @Test func vendiAndClustersFromSimulatorEmbeddings() async throws {
        try await Self.withSimulator(SimulatorConfiguration(seed: 2, embeddingDimensions: 32, threads: 1)) { _, client in
            var configuration = DiversityConfiguration(metrics: [.vendi, .clusters])
            configuration.embeddings = EndpointEmbeddingProvider(client: client, batchSize: 8)
            let analyzer = DiversityAnalyzer(configuration: configuration)
            let same = try await analyzer.analyze(Array(repeating: "the very same answer", count: 20), label: "same")
            let varied = try await analyzer.analyze(DiversityCorpusGenerator.varied(count: 20), label: "varied")
            #expect(abs(try #require(same.vendi).score - 1) < 1e-6)
            #expect(same.clusters?.clusters == 1)
            #expect(try #require(varied.vendi).score > 10)
            #expect(varied.vendi?.dimension == 32)
            #expect(varied.embeddingModel == "sim-model")
            #expect(try #require(varied.clusters).clusters > 15)
        }
    }
}
