import Foundation

/// What the run report measures for diversity, with working models: the texts (`fields`), the
/// analyzer settings with its embedding provider and chat model, and how many texts per field
/// the model-based metrics see. Made from a run config's `RunDiversityConfiguration` by
/// `init(_:endpoints:cache:ledger:)`, or by hand (any `EmbeddingProvider`, any `StructuredChat`).
///
/// The report measures the cheap metrics in `configuration.metrics` on every text, and the
/// embedding metrics and the cluster agent on a seeded sample of `sample` texts, each group on
/// its own so that one failing endpoint costs only its own metrics (noted in the report).
public struct RunDiversityOptions: Sendable {
    /// The texts measured, in the report's column order; empty measures nothing.
    public var fields: [DiversityField]
    /// Metrics, seed, embedding provider, chat model and cluster-agent settings.
    public var configuration: DiversityConfiguration
    /// Most texts per field the embedding metrics and the cluster agent see.
    public var sample: Int
    /// The ledger the model clients count into. The report adds what they used while it
    /// measured to its token rows (stage `diversity`) and, when the caller passed endpoint
    /// usage, to that endpoint's row.
    public var ledger: UsageLedger?
    /// Endpoints with a price table, whose ledger cost is a real figure (0 otherwise means
    /// "unknown", not "free").
    public var pricedEndpoints: Set<String>

    public init(
        fields: [DiversityField] = [.response, .prompt], configuration: DiversityConfiguration = DiversityConfiguration(),
        sample: Int = 1000, ledger: UsageLedger? = nil, pricedEndpoints: Set<String> = []
    ) {
        self.fields = fields
        self.configuration = configuration
        self.sample = sample
        self.ledger = ledger
        self.pricedEndpoints = pricedEndpoints
    }

    /// Measures nothing: the report has no diversity section.
    public static let disabled = RunDiversityOptions(fields: [])

    /// The cheap metrics on responses and prompts: what `prefab report` measures by default.
    public static let cheap = RunDiversityOptions()

    /// Builds real clients for the configured endpoints: an `EndpointEmbeddingProvider` and a
    /// `SchemaConstrainedChat` over `EndpointClient`s that count into `ledger` (share the run's,
    /// so its budget covers these calls and the report's cost includes them), each answered
    /// from `cache` when one is given.
    ///
    /// A `local` endpoint whose server is not running does not fail here: its metrics fail when
    /// measured, and the report says so. A missing API key or an unknown endpoint does.
    public init(
        _ settings: RunDiversityConfiguration, endpoints: [EndpointConfiguration], cache: ResponseCache? = nil,
        ledger: UsageLedger = UsageLedger(), engine: HTTPEngine = .shared,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RunDiversityError) {
        guard settings.enabled else {
            self = .disabled
            return
        }
        var configuration = DiversityConfiguration(metrics: settings.metrics)
        configuration.seed = settings.seed
        configuration.clusterSampleSize = settings.sample
        var priced: Set<String> = []

        func endpoint(_ name: String, model: String?, role: String) throws(RunDiversityError) -> EndpointConfiguration {
            guard var endpoint = endpoints.first(where: { $0.name == name }) else {
                throw .unknownEndpoint(name: name, role: role, known: endpoints.map(\.name))
            }
            if let model { endpoint.model = model }
            if endpoint.price != nil { priced.insert(endpoint.name) }
            return endpoint
        }
        /// The client, or nil with the reason when the server is not there.
        func client(_ endpoint: EndpointConfiguration) throws(RunDiversityError) -> Result<EndpointClient, EndpointError> {
            do {
                return .success(try EndpointClient(configuration: endpoint, engine: engine, ledger: ledger, environment: environment))
            } catch {
                if case .localServerUnavailable = error { return .failure(error) }
                throw .endpoint(error)
            }
        }

        if let embeddings = settings.embeddings {
            let endpoint = try endpoint(embeddings.endpoint, model: embeddings.model, role: "embeddings")
            switch try client(endpoint) {
            case .success(let base):
                let client: any EmbeddingClient = cache.map { CachedEmbeddingClient(base, cache: $0) } ?? base
                configuration.embeddings = EndpointEmbeddingProvider(
                    client: client, batchSize: embeddings.batchSize, dimensions: embeddings.dimensions)
            case .failure(let reason):
                configuration.embeddings = UnreachableModel(name: endpoint.model ?? endpoint.name, reason: reason)
            }
            configuration.embeddingConcurrency = embeddings.concurrency
            configuration.clusterThreshold = embeddings.clusterThreshold
        }
        if let agent = settings.clusterAgent {
            let endpoint = try endpoint(agent.endpoint, model: agent.model, role: "cluster_agent")
            switch try client(endpoint) {
            case .success(let base):
                let client: any ChatClient = cache.map { CachedChatClient(base, cache: $0) } ?? base
                configuration.chat = SchemaConstrainedChat(client: client, maxTokens: agent.maxTokens)
            case .failure(let reason):
                configuration.chat = UnreachableModel(name: endpoint.model ?? endpoint.name, reason: reason)
            }
            configuration.clusterAgent = agent.agentConfiguration
        }
        self.init(fields: settings.fields, configuration: configuration, sample: settings.sample, ledger: ledger, pricedEndpoints: priced)
    }
}
