import Foundation
import Testing
@testable import Prefab

/// The `diversity:` block of a run config: its keys, defaults, located errors, endpoint checks,
/// and the metric clients made from it.
@Suite struct RunDiversityConfigurationTests {
    static func document(_ yaml: String) throws -> ConfigDocument {
        try ConfigDocument(yaml: yaml, file: "run.yaml")
    }

    static func read(_ yaml: String) throws(ConfigError) -> (diversity: RunDiversityConfiguration, endpoints: [EndpointConfiguration]) {
        try RunDiversityConfiguration.read(from: try ConfigDocument(yaml: yaml, file: "run.yaml"))
    }

    /// The error `read` throws for `yaml`, or a recorded issue when it throws none.
    static func error(_ yaml: String) -> ConfigError? {
        do {
            _ = try read(yaml)
            Issue.record("expected a config error")
            return nil
        } catch {
            return error
        }
    }

    static let endpoints = """
        endpoints:
          - {name: local, provider: local}
          - {name: judge, provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", model: m}
          - {name: claude, provider: anthropic, base_url: "https://api.anthropic.com/v1", model: c, api_key_env: KEY}
        """

    @Test func aFullBlockDecodesWithItsValues() throws {
        let (diversity, endpoints) = try Self.read(Self.endpoints + """

            seed: 9
            pool: {ignored: true}
            diversity:
              fields: [chosen, prompt]
              seed: 4
              sample: 200
              embeddings: {endpoint: local, model: nomic, batch_size: 16, concurrency: 2, dimensions: 128, cluster_threshold: 0.9}
              cluster_agent: {endpoint: judge, model: qwen, k: 6, j: 4, criteria_rounds: 1, rounds: 2, seeds: 2, max_tokens: 512, concurrency: 3, max_retries: 1}
            """)
        #expect(endpoints.map(\.name) == ["local", "judge", "claude"])
        #expect(diversity.enabled)
        #expect(diversity.fields == [.chosen, .prompt])
        #expect(diversity.seed == 4 && diversity.sample == 200)
        #expect(diversity.embeddings == RunDiversityEmbeddings(
            endpoint: "local", model: "nomic", batchSize: 16, concurrency: 2, dimensions: 128, clusterThreshold: 0.9))
        let agent = try #require(diversity.clusterAgent)
        #expect(agent == RunDiversityClusterAgent(
            endpoint: "judge", model: "qwen", k: 6, j: 4, criteriaRounds: 1, rounds: 2, seeds: [0, 1], maxTokens: 512,
            concurrency: 3, maxRetries: 1))
        #expect(diversity.metrics == DiversityMetric.cheap + [.vendi, .clusters, .clusterAgent])
        let settings = agent.agentConfiguration
        #expect(settings.samplesPerRound == 6 && settings.criteriaSamplesPerRound == 4)
        #expect(settings.criteriaRounds == 1 && settings.clusteringRounds == 2 && settings.seeds == [0, 1])
        #expect(settings.maximumRetries == 1 && settings.concurrency == 3)

        // It encodes back to the same block.
        let data = try JSONEncoder().encode(diversity)
        #expect(try YAMLDecoderRoundTrip.decode(data) == diversity)
    }

    @Test func defaultsAreTheCheapMetricsOfResponsesAndPromptsAndTheAgentMatchesTheCLI() throws {
        let (absent, none) = try Self.read("seed: 1\n")
        #expect(absent == RunDiversityConfiguration())
        #expect(none.isEmpty)
        #expect(absent.fields == [.response, .prompt] && absent.sample == 1000 && absent.seed == 0)
        #expect(absent.metrics == DiversityMetric.cheap)

        let (minimal, _) = try Self.read(Self.endpoints + "\ndiversity: {cluster_agent: {endpoint: judge}, embeddings: {endpoint: local}}\n")
        #expect(minimal.embeddings == RunDiversityEmbeddings(endpoint: "local"))
        #expect(minimal.embeddings?.batchSize == 32)
        // The same K, J, M, N and seeds as `prefab diversity`, so the scores compare.
        #expect(minimal.clusterAgent?.agentConfiguration == ClusterAgentConfiguration())

        let (listed, _) = try Self.read(Self.endpoints + "\ndiversity: {cluster_agent: {endpoint: judge, seeds: [7, 3]}}\n")
        #expect(listed.clusterAgent?.seeds == [7, 3])

        let (off, _) = try Self.read("diversity: {enabled: false}\n")
        #expect(!off.enabled && off.metrics.isEmpty)
        #expect(try RunDiversityOptions(off, endpoints: EndpointSet([])).fields.isEmpty)
    }

    @Test func unknownKeysAreErrorsWithTheirLine() throws {
        let misspelt = try #require(Self.error("""
            seed: 1
            diversity:
              fields: [response]
              embedings: {endpoint: local}
            """))
        #expect(misspelt.line == 4)
        #expect(misspelt.path == "diversity.embedings")
        #expect(misspelt.message.contains("unknown key 'embedings'") && misspelt.message.contains("embeddings"))

        let nested = try #require(Self.error(Self.endpoints + """

            diversity:
              cluster_agent:
                endpoint: judge
                K: 6
            """))
        #expect(nested.path == "diversity.cluster_agent.K")
        #expect(nested.line == 8)
        #expect(nested.message.contains("criteria_rounds"), "lists the keys it accepts: \(nested.message)")

        let embeddings = try #require(Self.error(Self.endpoints + "\ndiversity: {embeddings: {endpoint: local, batchsize: 8}}\n"))
        #expect(embeddings.path == "diversity.embeddings.batchsize")
    }

    @Test func badValuesNameTheirKeyAndSayWhatIsExpected() throws {
        let cases: [(String, String, String)] = [
            ("diversity: {fields: [answers]}", "diversity.fields[0]", "unknown field 'answers'"),
            ("diversity: {fields: [prompt, prompt]}", "diversity.fields[1]", "listed twice"),
            ("diversity: {fields: []}", "diversity.fields", "at least one field"),
            ("diversity: {sample: 1}", "diversity.sample", "at least 2"),
            ("diversity: {sample: many}", "diversity.sample", "expected an integer"),
            ("diversity: {embeddings: {endpoint: local, batch_size: 0}}", "diversity.embeddings.batch_size", "at least 1"),
            ("diversity: {embeddings: {endpoint: local, cluster_threshold: 2}}", "diversity.embeddings.cluster_threshold", "-1…1"),
            ("diversity: {embeddings: {model: m}}", "diversity.embeddings", "missing required key 'endpoint'"),
            ("diversity: {cluster_agent: {endpoint: judge, k: 1}}", "diversity.cluster_agent.k", "at least 2"),
            ("diversity: {cluster_agent: {endpoint: judge, j: 0}}", "diversity.cluster_agent.j", "at least 1"),
            ("diversity: {cluster_agent: {endpoint: judge, rounds: 0}}", "diversity.cluster_agent.rounds", "at least 1"),
            ("diversity: {cluster_agent: {endpoint: judge, seeds: 0}}", "diversity.cluster_agent.seeds", "at least 1"),
            ("diversity: {cluster_agent: {endpoint: judge, seeds: [1, 1]}}", "diversity.cluster_agent.seeds", "listed twice"),
            ("diversity: {cluster_agent: {endpoint: judge, seeds: all}}", "diversity.cluster_agent.seeds", "number of seeds"),
            ("diversity: {cluster_agent: {endpoint: judge, max_retries: -1}}", "diversity.cluster_agent.max_retries", "not be negative"),
        ]
        for (block, path, message) in cases {
            let error = try #require(Self.error(Self.endpoints + "\n" + block + "\n"), "\(block)")
            #expect(error.path == path, "\(block): \(error)")
            #expect(error.message.contains(message), "\(block): \(error)")
            #expect(error.line == 5, "\(block): \(error)")
            #expect(error.description.hasPrefix("run.yaml:5:"), "\(error)")
        }
    }

    @Test func endpointsTheBlockNamesMustExistAndEmbedNothingFromAnthropic() throws {
        let unknown = try #require(Self.error(Self.endpoints + """

            diversity:
              embeddings: {endpoint: local}
              cluster_agent:
                endpoint: jugde
            """))
        #expect(unknown.path == "diversity.cluster_agent.endpoint")
        #expect(unknown.line == 8)
        #expect(unknown.message == "unknown endpoint 'jugde'; the config's endpoints are: claude, judge, local")

        let anthropic = try #require(Self.error(Self.endpoints + "\ndiversity:\n  embeddings: {endpoint: claude}\n"))
        #expect(anthropic.path == "diversity.embeddings.endpoint")
        #expect(anthropic.message.contains("serves no embeddings"))

        // Without the document: a path relative to the block, for the run config's own checks.
        let settings = RunDiversityConfiguration(embeddings: RunDiversityEmbeddings(endpoint: "gone"))
        let problem = try #require(settings.check(endpoints: []))
        #expect(problem.path.map(\.stringValue) == ["embeddings", "endpoint"])
        #expect(problem.message == "unknown endpoint 'gone'; the config's endpoints are: (none)")
        #expect(RunDiversityConfiguration().check(endpoints: []) == nil)

        let twice = try #require(Self.error("endpoints:\n  - {name: a, provider: local}\n  - {name: a, provider: local}\n"))
        #expect(twice.path == "endpoints[1].name" && twice.line == 3)
    }

    @Test func optionsBuildEndpointClientsWithTheBlocksSettings() throws {
        let endpoints = [
            EndpointConfiguration(name: "embed", provider: .openAICompatible, baseURL: "http://127.0.0.1:9/v1", model: "base",
                                  price: Price(inputPerMillion: 1, outputPerMillion: 2)),
            EndpointConfiguration(name: "chat", provider: .openAICompatible, baseURL: "http://127.0.0.1:9/v1", model: "base"),
        ]
        let settings = RunDiversityConfiguration(
            fields: [.response], seed: 5, sample: 50,
            embeddings: RunDiversityEmbeddings(endpoint: "embed", model: "nomic", batchSize: 7, concurrency: 3, clusterThreshold: 0.7),
            clusterAgent: RunDiversityClusterAgent(endpoint: "chat", k: 4, maxTokens: 300))
        let ledger = UsageLedger()
        let options = try RunDiversityOptions(settings, endpoints: EndpointSet(endpoints, ledger: ledger))
        #expect(options.fields == [.response] && options.sample == 50)
        #expect(options.ledger === ledger)
        #expect(options.pricedEndpoints == ["embed"])
        let configuration = options.configuration
        #expect(configuration.metrics == settings.metrics)
        #expect(configuration.seed == 5 && configuration.clusterSampleSize == 50)
        #expect(configuration.clusterThreshold == 0.7 && configuration.embeddingConcurrency == 3)
        let provider = try #require(configuration.embeddings as? EndpointEmbeddingProvider)
        #expect(provider.embeddingModelName == "nomic", "the block's model overrides the endpoint's")
        #expect(provider.maximumBatchSize == 7)
        let chat = try #require(configuration.chat as? SchemaConstrainedChat)
        #expect(chat.maxTokens == 300)
        #expect(chat.client.identity.model == "base")
        #expect(configuration.clusterAgent.samplesPerRound == 4)
    }

    @Test func aMissingKeyOrEndpointFailsButALocalServerThatIsDownWaitsToBeNoted() throws {
        let keyed = [EndpointConfiguration(
            name: "api", provider: .openAICompatible, baseURL: "https://example.invalid/v1", model: "m", apiKeyEnv: "PREFAB_TEST_UNSET_KEY")]
        #expect {
            try RunDiversityOptions(RunDiversityConfiguration(embeddings: RunDiversityEmbeddings(endpoint: "api")),
                                    endpoints: EndpointSet(keyed, environment: [:]))
        } throws: { error in
            "\(error)".contains("PREFAB_TEST_UNSET_KEY")
        }
        #expect {
            try RunDiversityOptions(RunDiversityConfiguration(clusterAgent: RunDiversityClusterAgent(endpoint: "nope")), endpoints: EndpointSet(keyed))
        } throws: { error in
            "\(error)" == "diversity.cluster_agent.endpoint: unknown endpoint 'nope'; the config's endpoints are: api"
        }

        let home = NSTemporaryDirectory() + "prefab-no-local-\(UUID().uuidString)"
        let options = try RunDiversityOptions(
            RunDiversityConfiguration(embeddings: RunDiversityEmbeddings(endpoint: "local")),
            endpoints: EndpointSet([EndpointConfiguration(name: "local", provider: .local)], environment: ["PREFAB_HOME": home]))
        #expect(options.configuration.embeddings is UnavailableEndpoint)
    }
}

/// Decodes JSON through the YAML decoder the config files use (JSON is YAML).
enum YAMLDecoderRoundTrip {
    static func decode(_ data: Data) throws -> RunDiversityConfiguration {
        try ConfigDocument(yaml: String(decoding: data, as: UTF8.self), file: "round-trip").decode(RunDiversityConfiguration.self)
    }
}
