import ArgumentParser
import Foundation
import Prefab

/// `prefab diversity`: measures how diverse the prompts, responses or chosen answers of one or
/// more datasets are, and how they compare with the first.
struct DiversityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diversity",
        abstract: "Measure the diversity of prompts, responses or chosen answers.",
        discussion: """
            Prints one column per PATH; with several, each later PATH is also compared with the \
            first ("2.4× more diverse"). The cheap metrics need no model; vendi and clusters need \
            embeddings; cluster-agent needs a chat model that answers JSON.
            """
    )

    @Argument(help: "Records to read: a JSON Lines file (.jsonl, .jsonl.zst), an MDS shard, or a dataset directory. The first is the baseline.")
    var paths: [String]

    @Option(help: "Which text to measure: prompt, response (every completions[].response) or chosen.")
    var field: String = DiversityField.response.rawValue

    @Option(help: "Comma-separated metrics: \(DiversityMetric.allCases.map(\.rawValue).joined(separator: ",")). Default: the cheap ones, plus vendi,clusters with embeddings and cluster-agent with a chat model.")
    var metrics: String?

    @Option(help: "Seed of every random sample.")
    var seed: UInt64 = 0

    @Option(help: "Documents sampled for homogenization (mean pairwise ROUGE-L).")
    var homogenizationSample: Int = 100

    @Option(help: "zstd level of the compression ratio.")
    var compressionLevel: Int = 3

    /// `--embeddings-url/-model/-api-key-env`: the endpoint of the vendi and clusters metrics.
    enum EmbeddingsRole: EndpointFlagRole {
        static let prefix = "embeddings"
        static let endpointName = "embeddings"
        static let urlHelp = "Base URL of an OpenAI-compatible embeddings endpoint, e.g. http://127.0.0.1:8080/v1."
        static let description = "embeddings endpoint"
    }

    /// `--agent-url/-model/-api-key-env`: the chat model of the cluster-agent metric.
    enum ClusterAgentRole: EndpointFlagRole {
        static let prefix = "agent"
        static let endpointName = "cluster-agent"
        static let urlHelp = "Base URL of an OpenAI-compatible chat endpoint for cluster-agent (it must honour JSON-schema response formats)."
        static let description = "chat endpoint"
    }

    @OptionGroup var embeddings: OpenAICompatibleEndpointOptions<EmbeddingsRole>

    @Flag(help: "Embed with the offline hashed bag-of-words embedder (wording, not meaning) instead of an endpoint.")
    var hashingEmbeddings = false

    @OptionGroup var agent: OpenAICompatibleEndpointOptions<ClusterAgentRole>

    @Option(help: "cluster-agent K: documents per clustering round (scores compare only at equal K).")
    var agentK: Int = 10

    @Option(help: "cluster-agent J: documents per criteria round.")
    var agentJ: Int = 5

    @Option(help: "cluster-agent M: criteria rounds per seed.")
    var agentM: Int = 3

    @Option(help: "cluster-agent N: clustering rounds per seed.")
    var agentN: Int = 10

    @Option(help: "cluster-agent seeds, comma-separated; the table shows mean ± spread over them.")
    var agentSeeds: String = "0,1,2"

    @Option(help: "cluster-agent token limit per answer.")
    var agentMaxTokens: Int = 2048

    @Option(help: "SQLite response cache for embedding and chat calls, so a rerun pays for nothing twice.")
    var cache: String?

    @Option(help: "Cosine similarity at which the clusters metric joins clusters.")
    var clusterThreshold: Double = 0.8

    @Option(help: "Most documents the clusters metric clusters.")
    var clusterSample: Int = 1000

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var addressing: S3AddressingOption

    @OptionGroup var progress: ProgressOptions

    func run() async throws {
        guard let field = DiversityField(rawValue: field) else {
            throw ValidationError("--field must be one of \(DiversityField.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var configuration = DiversityConfiguration()
        configuration.seed = seed
        configuration.homogenizationSampleSize = homogenizationSample
        configuration.compressionLevel = compressionLevel
        configuration.clusterThreshold = clusterThreshold
        configuration.clusterSampleSize = clusterSample
        let responseCache = try cache.map { path throws(ResponseCacheError) in try ResponseCache(path: path) }
        // One ledger for both endpoints, so the display's tokens are the command's.
        let ledger = UsageLedger()
        let monitor = RunMonitor(unit: "documents", callsModels: embeddings.url != nil || agent.url != nil)
        monitor.attach(ledger: ledger, cache: responseCache)
        if hashingEmbeddings {
            guard embeddings.url == nil else { throw ValidationError("give either --hashing-embeddings or --embeddings-url, not both") }
            configuration.embeddings = HashingEmbedder()
        } else if let endpoint = try embeddings.endpoint() {
            configuration.embeddings = EndpointEmbeddingProvider(
                client: try EndpointSet([endpoint], cache: responseCache, ledger: ledger).embeddingClient(endpoint.name))
        }
        if let endpoint = try agent.endpoint() {
            configuration.chat = SchemaConstrainedChat(
                client: try EndpointSet([endpoint], cache: responseCache, ledger: ledger).chatClient(endpoint.name),
                maxTokens: agentMaxTokens)
        }
        // The flags fill the same `cluster_agent:` block a run config has, so K, J, M, N and the
        // seeds reach the agent the one way they do in `prefab run`.
        configuration.clusterAgent = RunDiversityClusterAgent(
            endpoint: ClusterAgentRole.endpointName, k: agentK, j: agentJ, criteriaRounds: agentM, rounds: agentN,
            seeds: try agentSeeds.split(separator: ",").map { text in
                guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--agent-seeds: '\(text)' is not a non-negative integer")
                }
                return seed
            },
            maxTokens: agentMaxTokens
        ).agentConfiguration
        configuration.metrics = try selectedMetrics(configuration)

        let analyzer = DiversityAnalyzer(configuration: configuration)
        try analyzer.validate()
        var reports: [DiversityReport] = []
        try await progress.show(monitor) {
            for path in paths {
                let input = try await CommandInput(path, label: "diversity", storage: addressing.storage())
                defer { input.remove() }
                let documents = try DiversityCorpusReader.documents(at: input.path, field: field)
                reports.append(try await analyzer.analyze(documents, label: path, monitor: monitor))
            }
        }
        try await responseCache?.close()
        if json {
            print(try Self.json(reports))
        } else {
            print(DiversityTable.render(reports), terminator: "")
        }
    }

    private func selectedMetrics(_ configuration: DiversityConfiguration) throws -> [DiversityMetric] {
        guard let metrics else {
            var defaults = DiversityMetric.cheap
            if configuration.embeddings != nil { defaults += DiversityMetric.embedding }
            if configuration.chat != nil { defaults.append(.clusterAgent) }
            return defaults
        }
        return try metrics.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let metric = DiversityMetric(rawValue: trimmed) else {
                throw ValidationError("unknown metric '\(trimmed)'; choose from \(DiversityMetric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return metric
        }
    }

    /// `{"reports": [...], "comparisons": [{"baseline", "label", "figures": [...]}]}`.
    static func json(_ reports: [DiversityReport]) throws -> String {
        struct Comparison: Encodable {
            let baseline: String
            let label: String
            let figures: [DiversityComparison]
        }
        struct Output: Encodable {
            let reports: [DiversityReport]
            let comparisons: [Comparison]
        }
        let comparisons = reports.dropFirst().map {
            Comparison(baseline: reports[0].label, label: $0.label,
                       figures: DiversityComparison.compare($0, against: reports[0]))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Output(reports: reports, comparisons: comparisons))
        return String(decoding: data, as: UTF8.self)
    }
}
