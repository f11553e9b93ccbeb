/// Why an endpoint call or an endpoint's setup failed. Messages never contain the API key.
public indirect enum EndpointError: Error, CustomStringConvertible, Sendable {
    /// The configuration names an environment variable for the key that is unset or empty.
    case missingAPIKey(endpoint: String, variable: String)
    case invalidConfiguration(endpoint: String, message: String)
    /// A `local` endpoint, but the local server's state file is missing or stale.
    case localServerUnavailable(path: String, reason: String)
    /// The server answered with an HTTP error status; `message` is its own explanation.
    case http(endpoint: String, status: Int, message: String)
    /// No complete HTTP response: connection failure, timeout, reset, truncated body.
    case transport(endpoint: String, TransportError)
    /// A 2xx response whose body is not the JSON the API promises.
    case malformedResponse(endpoint: String, detail: String)
    /// Every attempt failed transiently; `last` is the final attempt's failure.
    case retriesExhausted(endpoint: String, attempts: Int, last: EndpointError)
    /// The run's budget is spent: no new calls start (calls already in flight finish).
    case budgetExhausted(BudgetLimit)
    /// The provider has no such API (e.g. embeddings on Anthropic).
    case unsupported(endpoint: String, feature: String)

    /// Whether another attempt of the same call may succeed.
    public var isTransient: Bool {
        switch self {
        case .http(_, let status, _): Self.isTransientStatus(status)
        case .transport(_, let error): error.isTransient
        case .malformedResponse: true
        default: false
        }
    }

    /// The HTTP status behind this error, following `retriesExhausted` to its last cause.
    public var status: Int? {
        switch self {
        case .http(_, let status, _): status
        case .retriesExhausted(_, _, let last): last.status
        default: nil
        }
    }

    static func isTransientStatus(_ status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || (500...599).contains(status)
    }

    public var description: String {
        switch self {
        case .missingAPIKey(let endpoint, let variable):
            "endpoint '\(endpoint)': environment variable \(variable) (api_key_env) is not set or empty; export it with the API key"
        case .invalidConfiguration(let endpoint, let message):
            "endpoint '\(endpoint)': \(message)"
        case .localServerUnavailable(let path, let reason):
            "local model server unavailable (\(path)): \(reason)"
        case .http(let endpoint, let status, let message):
            "endpoint '\(endpoint)': HTTP \(status): \(message)"
        case .transport(let endpoint, let error):
            "endpoint '\(endpoint)': \(error)"
        case .malformedResponse(let endpoint, let detail):
            "endpoint '\(endpoint)': malformed response: \(detail)"
        case .retriesExhausted(_, let attempts, let last):
            "\(last) (gave up after \(attempts) attempts)"
        case .budgetExhausted(let limit):
            "budget exhausted: \(limit); no new calls are started"
        case .unsupported(let endpoint, let feature):
            "endpoint '\(endpoint)': the provider does not support \(feature)"
        }
    }
}
