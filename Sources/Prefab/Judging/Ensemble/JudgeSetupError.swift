/// Why an ensemble could not be set up: reported before any call is made.
public enum JudgeSetupError: Error, CustomStringConvertible, Sendable, Equatable {
    case config(ConfigError)
    case missingTemplate(name: String, path: String)
    case invalidTemplate(path: String, reason: String)
    case missingRubric(name: String, directory: String)
    /// No client for an endpoint a judge names.
    case unknownEndpoint(judge: String, endpoint: String, known: [String])
    case rubricsNotFound(from: String)
    /// An endpoint's client could not be made (missing API key, no local server, bad URL).
    case endpoint(name: String, reason: String)

    public var description: String {
        switch self {
        case .config(let error):
            "\(error)"
        case .missingTemplate(let name, let path):
            "judge template '\(name)' not found at \(path)"
        case .invalidTemplate(let path, let reason):
            "\(path): invalid Mustache template: \(reason)"
        case .missingRubric(let name, let directory):
            "unknown rubric '\(name)': no \(name).yaml in \(directory)"
        case .unknownEndpoint(let judge, let endpoint, let known):
            "judge '\(judge)' names endpoint '\(endpoint)', which is not defined; defined endpoints: \(known.isEmpty ? "(none)" : known.joined(separator: ", "))"
        case .endpoint(_, let reason):
            reason
        case .rubricsNotFound(let start):
            "cannot find the bundled rubrics/ directory beside \(start), above it, in the current directory, or with prefab's installed data (scripts/install); pass the rubrics directory explicitly"
        }
    }
}

extension JudgeSetupError {
    /// What `judge` could not get from the endpoints: the endpoint it names is not defined, or
    /// its client could not be made.
    init(judge: JudgeConfiguration, endpointError: EndpointSetError) {
        let endpoint = judge.endpoint ?? ""
        switch endpointError {
        case .unknownEndpoint(_, let known):
            self = .unknownEndpoint(judge: judge.name, endpoint: endpoint, known: known.sorted())
        default:
            self = .endpoint(name: endpoint, reason: endpointError.description)
        }
    }
}
