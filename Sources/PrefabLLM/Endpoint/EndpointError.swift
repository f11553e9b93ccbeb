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

    /// Why this error will fail every call of its endpoint, whatever the prompt: the key is
    /// refused (401/403) or the server has no such model (404 naming the model). Asking again,
    /// prompt after prompt, only multiplies the same failure, so callers stop instead. A 400
    /// can be about one prompt (too long, refused content) as well as about the request's
    /// shape, so one 400 is never fatal on its own; see `isShapeStatus` for the repeated case.
    public var fatality: EndpointFatality? {
        switch self {
        case .http(_, let status, let message):
            switch status {
            case 401, 403: .authentication
            case 404 where Self.namesMissingModel(message): .unknownModel
            default: nil
            }
        case .retriesExhausted(_, _, let last): last.fatality
        default: nil
        }
    }

    public var isFatal: Bool { fatality != nil }

    /// Whether the server refused the request for not fitting the model's context (prompt and
    /// `max_tokens` together). It is about this request, not the endpoint: never retried as it
    /// is, never fatal; a judge can split the call, a user can raise the server's context.
    public var isContextOverflow: Bool {
        switch self {
        case .http(_, let status, let message): [400, 413, 422].contains(status) && Self.describesContextOverflow(message)
        case .retriesExhausted(_, _, let last): last.isContextOverflow
        default: false
        }
    }

    /// The servers' own words for a request beyond the context: llama.cpp ("exceeds the available
    /// context size"), OpenAI and vLLM ("maximum context length", `context_length_exceeded`),
    /// Anthropic ("prompt is too long"), others ("context window").
    static func describesContextOverflow(_ message: String) -> Bool {
        let message = message.lowercased()
        return ["context size", "context length", "context window", "context_length_exceeded", "prompt is too long"]
            .contains { message.contains($0) }
    }

    /// What to do about a context overflow, ending its message.
    static let contextOverflowHint =
        " (the request does not fit the model's context: lower max_tokens or shorten the prompt; a multi-mode judge splits its calls when the endpoint's context_window is known; the local server's context per slot is PREFAB_LOCAL_CTX_PER_SLOT)"

    /// A short, stable name for what went wrong ("http_503", "transport_timeout",
    /// "context_overflow"), logged as `error_kind` beside the full message. The progress display
    /// folds repeated warnings by it: the full `error` text differs from call to call (a server
    /// names the token counts, a request id), while the kind says which warnings are the same.
    package var logKind: String {
        switch self {
        case .missingAPIKey: "missing_api_key"
        case .invalidConfiguration: "invalid_configuration"
        case .localServerUnavailable: "local_server_unavailable"
        case .http(_, let status, _): isContextOverflow ? "context_overflow" : "http_\(status)"
        case .transport(_, let error): "transport_\(error.kind.rawValue)"
        case .malformedResponse: "malformed_response"
        case .retriesExhausted(_, _, let last): last.logKind
        case .budgetExhausted: "budget"
        case .unsupported: "unsupported"
        }
    }

    /// The endpoint this error is about, when it names one.
    public var endpoint: String? {
        switch self {
        case .missingAPIKey(let endpoint, _), .invalidConfiguration(let endpoint, _), .http(let endpoint, _, _),
            .transport(let endpoint, _), .malformedResponse(let endpoint, _), .retriesExhausted(let endpoint, _, _),
            .unsupported(let endpoint, _):
            endpoint
        case .localServerUnavailable, .budgetExhausted: nil
        }
    }

    /// The server's own explanation of an HTTP error (API key already scrubbed out).
    public var serverMessage: String? {
        switch self {
        case .http(_, _, let message): message
        case .retriesExhausted(_, _, let last): last.serverMessage
        default: nil
        }
    }

    /// Statuses that say the request itself is wrong (its shape, its address): the same one
    /// answered identically to the first calls of an endpoint, before any success, means every
    /// call will get it.
    public static func isShapeStatus(_ status: Int) -> Bool {
        [400, 404, 405, 415, 422].contains(status)
    }

    /// Whether a 404's message is about the model rather than the path: OpenAI ("The model `x`
    /// does not exist"), Anthropic ("model: x"), vLLM, Ollama ("model \"x\" not found").
    static func namesMissingModel(_ message: String) -> Bool {
        message.lowercased().contains("model")
    }

    /// Ends the message of a fatal HTTP error, before the hint; `describesFatal` looks for it.
    static let fatalMark = " (fails every call: "

    /// Whether `text` is the description of a fatal error: for log handlers, which see the error
    /// only as text, to leave out what a caller's one stop message will say anyway.
    public static func describesFatal(_ text: String) -> Bool {
        text.contains(fatalMark)
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
            switch fatality {
            case .authentication?:
                "endpoint '\(endpoint)': HTTP \(status): \(message)\(Self.fatalMark)the API key was refused; check the endpoint's api_key_env and the key in that variable)"
            case .unknownModel?:
                "endpoint '\(endpoint)': HTTP \(status): \(message)\(Self.fatalMark)the server has no such model; check the endpoint's model)"
            default:
                "endpoint '\(endpoint)': HTTP \(status): \(message)" + (isContextOverflow ? Self.contextOverflowHint : "")
            }
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

/// Why an endpoint error fails every call of the endpoint (see `EndpointError.fatality`).
public enum EndpointFatality: String, Codable, Sendable, Hashable {
    /// 401 or 403: the API key is missing, wrong, or lacks access.
    case authentication = "auth"
    /// 404 about the model: the server does not serve the configured model name.
    case unknownModel = "unknown_model"
    /// The same 400-class answer to the first calls of an endpoint: the request's shape is wrong
    /// for this server (provider, base URL or parameters).
    case badRequest = "bad_request"
}
