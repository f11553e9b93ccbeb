/// Why a sampler could not be set up. (A failing generation is not an error: it is recorded in
/// the prompt's `SampleRecord.failures`.)
public enum SamplerError: Error, CustomStringConvertible, Sendable {
    /// A pool model uses an endpoint no client was given for.
    case missingClient(model: String, endpoint: String)
    /// An endpoint of the config could not be set up (missing API key, local server down, ...).
    case endpoint(EndpointError)

    public var description: String {
        switch self {
        case .missingClient(let model, let endpoint):
            "pool model '\(model)' uses endpoint '\(endpoint)', but no client was set up for it"
        case .endpoint(let error):
            "\(error)"
        }
    }
}
