/// Measures a corpus with the metrics a `DiversityConfiguration` selects. The CLI's
/// `prefab diversity` and the run report both call it.
public struct DiversityAnalyzer: Sendable {
    public let configuration: DiversityConfiguration

    public init(configuration: DiversityConfiguration = DiversityConfiguration()) {
        self.configuration = configuration
    }

    /// Checks, before any work, that every selected metric has what it needs.
    public func validate() throws(DiversityError) {
        let metrics = Set(configuration.metrics)
        if configuration.embeddings == nil, let metric = DiversityMetric.embedding.first(where: metrics.contains) {
            throw .missingRequirement(metric: metric, need: "an embedding provider (--embeddings-url and --embeddings-model, or --hashing-embeddings)")
        }
        if configuration.chat == nil, metrics.contains(.clusterAgent) {
            throw .missingRequirement(metric: .clusterAgent, need: "a chat model (--agent-url and --agent-model)")
        }
        guard configuration.homogenizationSampleSize >= 2 else {
            throw .invalidConfiguration("the homogenization sample needs at least 2 documents")
        }
        guard configuration.clusterSampleSize >= 1, (-1...1).contains(configuration.clusterThreshold) else {
            throw .invalidConfiguration("the cluster sample must be positive and the threshold within −1…1")
        }
    }

    /// - Parameters:
    ///   - documents: the texts, one per document.
    ///   - label: a name for the corpus in tables (for example its path).
    public func analyze(_ documents: [String], label: String = "corpus") async throws -> DiversityReport {
        try await analyze(documents, label: label, monitor: nil)
    }

    /// `analyze`, showing in `monitor` which step runs ("LABEL: lexical", "LABEL: embeddings",
    /// "LABEL: cluster agent") and counting documents embedded, then cluster-agent rounds: the
    /// two steps that call models and can take long.
    package func analyze(_ documents: [String], label: String, monitor: RunMonitor?) async throws -> DiversityReport {
        try validate()
        guard !documents.isEmpty else { throw DiversityError.noDocuments }
        let metrics = Set(configuration.metrics)
        var report = DiversityReport(label: label, documents: documents.count)
        monitor?.update {
            $0.phase = "\(label): lexical"
            $0.unit = "documents"
            $0.total = documents.count
            $0.done = 0
            $0.failed = 0
        }

        if !metrics.isDisjoint(with: [.distinct, .selfRepetition, .homogenization]) {
            let corpus = TokenizedCorpus(documents)
            if metrics.contains(.distinct) { report.distinct = DistinctN(corpus: corpus) }
            if metrics.contains(.selfRepetition) { report.selfRepetition = SelfRepetition(corpus: corpus) }
            if metrics.contains(.homogenization) {
                report.homogenization = Homogenization(
                    corpus: corpus, sampleSize: configuration.homogenizationSampleSize,
                    seed: configuration.seed, maxTokens: configuration.homogenizationMaxTokens)
            }
        }
        if metrics.contains(.compression) {
            report.compression = try CompressionRatio(documents: documents, level: configuration.compressionLevel)
        }
        if let provider = configuration.embeddings, !metrics.isDisjoint(with: DiversityMetric.embedding) {
            report.embeddingModel = provider.embeddingModelName
            monitor?.update { $0.phase = "\(label): embeddings" }
            let vectors = try await provider.embedAll(documents, concurrency: configuration.embeddingConcurrency) { embedded in
                monitor?.update { $0.done = embedded }
            }
            if metrics.contains(.vendi) { report.vendi = try VendiScore(embeddings: vectors) }
            if metrics.contains(.clusters) {
                report.clusters = try EmbeddingClusterCount(
                    embeddings: vectors, threshold: configuration.clusterThreshold,
                    maxSample: configuration.clusterSampleSize, seed: configuration.seed)
            }
        }
        if let chat = configuration.chat, metrics.contains(.clusterAgent) {
            monitor?.update { $0.phase = "\(label): cluster agent" }
            var agent = ClusterAgent(chat: chat, configuration: configuration.clusterAgent)
            agent.monitor = monitor
            report.clusterAgent = try await agent.measure(documents)
        }
        return report
    }
}
