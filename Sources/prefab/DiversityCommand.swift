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

    @Option(help: "Base URL of an OpenAI-compatible embeddings endpoint, e.g. http://127.0.0.1:8080/v1.")
    var embeddingsURL: String?

    @Option(help: "Model id for --embeddings-url.")
    var embeddingsModel: String?

    @Option(help: "NAME of the environment variable holding the embeddings endpoint's API key.")
    var embeddingsAPIKeyEnv: String?

    @Flag(help: "Embed with the offline hashed bag-of-words embedder (wording, not meaning) instead of an endpoint.")
    var hashingEmbeddings = false

    @Option(help: "Base URL of an OpenAI-compatible chat endpoint for cluster-agent (it must honour JSON-schema response formats).")
    var agentURL: String?

    @Option(help: "Model id for --agent-url.")
    var agentModel: String?

    @Option(help: "NAME of the environment variable holding the chat endpoint's API key.")
    var agentAPIKeyEnv: String?

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
        if hashingEmbeddings {
            guard embeddingsURL == nil else { throw ValidationError("give either --hashing-embeddings or --embeddings-url, not both") }
            configuration.embeddings = HashingEmbedder()
        } else if let embeddingsURL {
            let endpoint = EndpointConfiguration(
                name: "embeddings", provider: .openAICompatible, baseURL: embeddingsURL,
                model: try required(embeddingsModel, "--embeddings-model", for: "--embeddings-url"),
                apiKeyEnv: embeddingsAPIKeyEnv)
            configuration.embeddings = EndpointEmbeddingProvider(
                client: try EndpointSet([endpoint], cache: responseCache).embeddingClient(endpoint.name))
        }
        if let agentURL {
            let endpoint = EndpointConfiguration(
                name: "cluster-agent", provider: .openAICompatible, baseURL: agentURL,
                model: try required(agentModel, "--agent-model", for: "--agent-url"),
                apiKeyEnv: agentAPIKeyEnv)
            configuration.chat = SchemaConstrainedChat(
                client: try EndpointSet([endpoint], cache: responseCache).chatClient(endpoint.name), maxTokens: agentMaxTokens)
        }
        configuration.clusterAgent.samplesPerRound = agentK
        configuration.clusterAgent.criteriaSamplesPerRound = agentJ
        configuration.clusterAgent.criteriaRounds = agentM
        configuration.clusterAgent.clusteringRounds = agentN
        configuration.clusterAgent.seeds = try agentSeeds.split(separator: ",").map { text in
            guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--agent-seeds: '\(text)' is not a non-negative integer")
            }
            return seed
        }
        configuration.metrics = try selectedMetrics(configuration)

        let analyzer = DiversityAnalyzer(configuration: configuration)
        try analyzer.validate()
        var reports: [DiversityReport] = []
        for path in paths {
            let documents = try DiversityCorpusReader.documents(at: path, field: field)
            reports.append(try await analyzer.analyze(documents, label: path))
        }
        try await responseCache?.close()
        if json {
            print(try Self.json(reports))
        } else {
            print(DiversityTable.render(reports), terminator: "")
        }
    }

    private func required(_ value: String?, _ option: String, for other: String) throws -> String {
        guard let value, !value.isEmpty else { throw ValidationError("\(other) needs \(option)") }
        return value
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
