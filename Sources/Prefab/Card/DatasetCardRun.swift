import Foundation

/// What the card says about the run that made the rows: its config (the pool, principles and
/// endpoints), the judge ensemble, what the session summary counted and spent, and the content
/// hashes of its inputs. Taken from the `RunSetup` and `RunSummary` at the end of `prefab run`,
/// so the card describes exactly the run whose shards it sits beside.
package struct DatasetCardRun: Sendable {
    package var configuration: RunConfiguration
    package var ensemble: EnsembleConfiguration
    /// The principles the sampler loaded, by name.
    package var principles: [String]
    package var redactedConfig: String
    package var summary: RunSummary
}

extension DatasetCardRun {
    package init(setup: RunSetup, summary: RunSummary) {
        self.init(
            configuration: setup.configuration, ensemble: setup.ensemble, principles: setup.sampling.principles.names,
            redactedConfig: setup.redactedConfig, summary: summary)
    }

    /// The model id an endpoint sends, or what stands for it when the config leaves it to the
    /// server (a `local` endpoint's model is whatever the server loaded).
    func modelID(endpoint name: String, override: String? = nil) -> String {
        if let override { return override }
        guard let endpoint = configuration.sampling.endpoints.first(where: { $0.name == name }) else { return "(unknown endpoint)" }
        return endpoint.model ?? "(the \(endpoint.provider.rawValue) server's model)"
    }
}
