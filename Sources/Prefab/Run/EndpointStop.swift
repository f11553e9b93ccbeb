/// An endpoint that will refuse every call, and what to do about it: the reason a run (or a
/// sampling or judging stage) stops at once instead of failing every prompt the same way.
///
/// Thrown by the clients an `EndpointHalt` guards once the endpoint is known to be unusable, and
/// carried by `RunStopReason.endpoint`. Its message names the endpoint, the status and the fix
/// (for a refused key, the variable that holds it, never its value).
public struct EndpointStop: Error, Codable, Hashable, Sendable, CustomStringConvertible {
    public var endpoint: String
    /// The HTTP status the endpoint answered.
    public var status: Int
    /// A refused key, an unknown model, or a request the server cannot take.
    public var kind: EndpointFatality
    /// The server's own explanation (the API key scrubbed out).
    public var message: String
    /// What to change before running again.
    public var fix: String
}

extension EndpointStop {
    /// The stop for a fatal `error` of the endpoint configured as `configuration` (nil when the
    /// name is not configured here: the fix is then stated without the variable's name).
    public init(_ error: EndpointError, fatality: EndpointFatality, configuration: EndpointConfiguration?) {
        let endpoint = error.endpoint ?? configuration?.name ?? "?"
        let status = error.status ?? 0
        self.endpoint = endpoint
        self.status = status
        self.message = error.serverMessage ?? error.description
        kind = fatality
        switch fatality {
        case .authentication:
            let variable = configuration?.apiKeyEnv
            let which = status == 403 ? "has no access to this model or API" : "was refused"
            if let variable {
                fix = "the API key in \(variable) (api_key_env of endpoint '\(endpoint)') \(which); export \(variable) with a valid key and run again"
            } else {
                fix = "the endpoint sends no API key (it has no api_key_env); add api_key_env: VARIABLE to endpoint '\(endpoint)', export VARIABLE with the key and run again"
            }
        case .unknownModel:
            let model = configuration?.model.map { " '\($0)'" } ?? ""
            fix = "the server does not serve the model\(model); correct model: of endpoint '\(endpoint)' (or the pool model's model:) to one the provider lists, and run again"
        case .badRequest:
            fix = "every call so far got this same answer, so the request does not fit this server; check endpoint '\(endpoint)''s provider, base_url, model and parameters, and run again"
        }
    }

    /// The stop `error` calls for, when it is one that fails every call of its endpoint (a fatal
    /// `EndpointError`, or an `EndpointStop` already made); nil for any other error.
    /// `endpoints`: the configured ones, for the fix's variable and model names.
    public static func stopping(_ error: any Error, endpoints: [EndpointConfiguration]) -> EndpointStop? {
        if let stop = error as? EndpointStop { return stop }
        guard let error = error as? EndpointError, let fatality = error.fatality else { return nil }
        return EndpointStop(error, fatality: fatality, configuration: endpoints.first { $0.name == error.endpoint })
    }

    /// How failure tables count the calls it refused: `auth` and `unknown_model` by their own
    /// names; a request the server cannot take stays `http_status`, like any other 4xx.
    public var failureKind: FailureKind {
        switch kind {
        case .authentication: .auth
        case .unknownModel: .unknownModel
        case .badRequest: .httpStatus
        }
    }

    public var description: String {
        "endpoint '\(endpoint)' answered HTTP \(status) (\(message)); \(fix)"
    }
}
