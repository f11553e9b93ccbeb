/// Why the diversity settings of a run could not be turned into working metric clients.
public enum RunDiversityError: Error, CustomStringConvertible, Sendable {
    /// The `diversity:` block names an endpoint the run does not define (`check(endpoints:)`
    /// reports the same with its file and line).
    case unknownEndpoint(name: String, role: String, known: [String])
    /// The endpoint is configured wrongly, or its API key is missing from the environment.
    case endpoint(EndpointError)

    public var description: String {
        switch self {
        case .unknownEndpoint(let name, let role, let known):
            "diversity.\(role).endpoint: unknown endpoint '\(name)'; the config's endpoints are: "
                + (known.isEmpty ? "(none)" : known.sorted().joined(separator: ", "))
        case .endpoint(let error):
            "diversity: \(error)"
        }
    }
}
