import Foundation

/// What the run report measures for diversity, with working models: the texts (`fields`), the
/// analyzer settings with its embedding provider and chat model, and how many texts per field
/// the model-based metrics see. Made from a run config's `RunDiversityConfiguration` by
/// `init(_:endpoints:)`, or by hand (any `EmbeddingProvider`, any `StructuredChat`).
///
/// The report measures the cheap metrics in `configuration.metrics` on every text, and the
/// embedding metrics and the cluster agent on a seeded sample of `sample` texts, each group on
/// its own so that one failing endpoint costs only its own metrics (noted in the report).
package struct RunDiversityOptions: Sendable {
    /// The texts measured, in the report's column order; empty measures nothing.
    package var fields: [DiversityField]
    /// Metrics, seed, embedding provider, chat model and cluster-agent settings.
    package var configuration: DiversityConfiguration
    /// Most texts per field the embedding metrics and the cluster agent see.
    package var sample: Int
    /// The ledger the model clients count into. The report adds what they used while it
    /// measured to its token rows (stage `diversity`) and, when the caller passed endpoint
    /// usage, to that endpoint's row.
    package var ledger: UsageLedger?
    /// Endpoints with a price table, whose ledger cost is a real figure (0 otherwise means
    /// "unknown", not "free").
    package var pricedEndpoints: Set<String>

    package init(
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
    package static let disabled = RunDiversityOptions(fields: [])

    /// The cheap metrics on responses and prompts: what `prefab report` measures by default.
    package static let cheap = RunDiversityOptions()

    /// Builds real clients for the configured endpoints: an `EndpointEmbeddingProvider` and a
    /// `SchemaConstrainedChat` made by `endpoints`, counting into its ledger (share the run's, so
    /// its budget covers these calls and the report's cost includes them) and answered from its
    /// cache.
    ///
    /// A `local` endpoint whose server is not running does not fail here: its metrics fail when
    /// measured, and the report says so. A missing API key or an unknown endpoint does.
    package init(_ settings: RunDiversityConfiguration, endpoints: EndpointSet) throws(RunDiversityError) {
        guard settings.enabled else {
            self = .disabled
            return
        }
        var configuration = DiversityConfiguration(metrics: settings.metrics)
        configuration.seed = settings.seed
        configuration.clusterSampleSize = settings.sample
        var priced: Set<String> = []

        /// The client, or a stand-in that fails every call when the server is not there.
        func client<Client>(
            _ name: String, model: String?, role: String, _ make: (String, String?) throws(EndpointSetError) -> Client
        ) throws(RunDiversityError) -> (client: Client?, unavailable: UnavailableEndpoint?) {
            let endpoint: EndpointConfiguration
            do {
                endpoint = try endpoints.configuration(name, model: model)
                if endpoint.price != nil { priced.insert(endpoint.name) }
                return (try make(name, model), nil)
            } catch .unknownEndpoint(_, let known) {
                throw .unknownEndpoint(name: name, role: role, known: known)
            } catch .client(let error) {
                guard case .localServerUnavailable = error else { throw .endpoint(error) }
                let shown = (try? endpoints.configuration(name, model: model))?.model ?? name
                return (nil, UnavailableEndpoint(name: shown, reason: error))
            } catch {
                throw .endpoint(error.endpointError ?? .invalidConfiguration(endpoint: name, message: error.description))
            }
        }

        if let embeddings = settings.embeddings {
            let made = try client(embeddings.endpoint, model: embeddings.model, role: "embeddings", endpoints.embeddingClient)
            configuration.embeddings = made.client.map {
                EndpointEmbeddingProvider(client: $0, batchSize: embeddings.batchSize, dimensions: embeddings.dimensions)
            } ?? made.unavailable
            configuration.embeddingConcurrency = embeddings.concurrency
            configuration.clusterThreshold = embeddings.clusterThreshold
        }
        if let agent = settings.clusterAgent {
            let made = try client(agent.endpoint, model: agent.model, role: "cluster_agent", endpoints.chatClient)
            configuration.chat = made.client.map { SchemaConstrainedChat(client: $0, maxTokens: agent.maxTokens) } ?? made.unavailable
            configuration.clusterAgent = agent.agentConfiguration
        }
        self.init(
            fields: settings.fields, configuration: configuration, sample: settings.sample, ledger: endpoints.ledger,
            pricedEndpoints: priced)
    }
}
