import Foundation

/// A config's `endpoints:` list, checked, and the one place clients for them are made.
///
/// Every command and stage that talks to a model (sampling, judging, reward models, the
/// diversity metrics, the dry-run estimate) asks this type for its clients, so they all share
/// one ledger (one budget), one response cache and one HTTP engine, and an endpoint is set up
/// the same way wherever it is used.
///
/// ```swift
/// let endpoints = try EndpointSet(config.endpoints, cache: cache, ledger: ledger)
/// let judge = try endpoints.chatClient("judge")
/// ```
public struct EndpointSet: Sendable {
    /// The endpoints in the order the config lists them.
    public let configurations: [EndpointConfiguration]
    /// What answers repeated calls for free; nil asks every call.
    public var cache: ResponseCache?
    /// Where every client made here counts its calls.
    public var ledger: UsageLedger
    public var engine: HTTPEngine
    /// Where API keys and `PREFAB_HOME` are read.
    public var environment: [String: String]

    /// Checks the list (`validate`) and keeps what its clients will share.
    public init(
        _ configurations: [EndpointConfiguration], cache: ResponseCache? = nil, ledger: UsageLedger = UsageLedger(),
        engine: HTTPEngine = .shared, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EndpointSetError) {
        try Self.validate(configurations)
        self.configurations = configurations
        self.cache = cache
        self.ledger = ledger
        self.engine = engine
        self.environment = environment
    }

    /// The rule every endpoints list follows: names unique, each endpoint valid on its own.
    public static func validate(_ configurations: [EndpointConfiguration]) throws(EndpointSetError) {
        var seen: Set<String> = []
        for (index, endpoint) in configurations.enumerated() {
            guard seen.insert(endpoint.name).inserted else { throw .duplicateName(index: index, name: endpoint.name) }
            do {
                try endpoint.validate()
            } catch {
                throw .invalid(index: index, error)
            }
        }
    }

    /// The endpoints' names, in config order.
    public var names: [String] { configurations.map(\.name) }

    /// The endpoint called `name`, with `model` (when given) in place of its own model id.
    public func configuration(_ name: String, model: String? = nil) throws(EndpointSetError) -> EndpointConfiguration {
        guard var endpoint = configurations.first(where: { $0.name == name }) else {
            throw .unknownEndpoint(name: name, known: names)
        }
        if let model { endpoint.model = model }
        return endpoint
    }

    /// The endpoint's own client, uncached: API key from the environment, a `local` endpoint's
    /// address from the running server's state file.
    public func endpointClient(_ name: String, model: String? = nil) throws(EndpointSetError) -> EndpointClient {
        let endpoint = try configuration(name, model: model)
        do {
            return try EndpointClient(configuration: endpoint, engine: engine, ledger: ledger, environment: environment)
        } catch {
            throw .client(error)
        }
    }

    /// A chat client for `name`, answered from the cache when there is one.
    public func chatClient(_ name: String, model: String? = nil) throws(EndpointSetError) -> any ChatClient {
        let client = try endpointClient(name, model: model)
        return cache.map { CachedChatClient(client, cache: $0) } ?? client
    }

    /// An embedding client for `name`, answered from the cache when there is one.
    public func embeddingClient(_ name: String, model: String? = nil) throws(EndpointSetError) -> any EmbeddingClient {
        let client = try endpointClient(name, model: model)
        return cache.map { CachedEmbeddingClient(client, cache: $0) } ?? client
    }

    /// A chat client for every endpoint, by name.
    public func chatClients() throws(EndpointSetError) -> [String: any ChatClient] {
        var clients: [String: any ChatClient] = [:]
        for name in names { clients[name] = try chatClient(name) }
        return clients
    }

    /// A reward-model client posting to `path` under the endpoint's base URL, through the
    /// endpoint's own client (ledger, limits, retries) and answered from the cache when there is one.
    public func rewardModelClient(_ name: String, path: String) throws(EndpointSetError) -> any RewardModelClient {
        EndpointRewardModel(client: try endpointClient(name), path: path, cache: cache)
    }

    /// Each endpoint's cache identity, without connecting: an endpoint whose client cannot be
    /// made (no API key, local server not started) is left out with the reason.
    public func identities() -> (identities: [String: ModelIdentity], unavailable: [String: EndpointError]) {
        var identities: [String: ModelIdentity] = [:]
        var unavailable: [String: EndpointError] = [:]
        for name in names {
            do {
                identities[name] = try endpointClient(name).identity
            } catch {
                unavailable[name] = error.endpointError
            }
        }
        return (identities, unavailable)
    }
}

/// Why an endpoints list or one of its clients could not be used.
public enum EndpointSetError: Error, CustomStringConvertible, Sendable {
    /// Two endpoints at these positions share a name.
    case duplicateName(index: Int, name: String)
    /// The endpoint at `index` is not valid on its own.
    case invalid(index: Int, EndpointError)
    /// A judge, pool model or metric names an endpoint the list does not have.
    case unknownEndpoint(name: String, known: [String])
    /// The endpoint's client could not be made (missing API key, local server not running).
    case client(EndpointError)

    public var description: String {
        switch self {
        case .duplicateName(_, let name): "endpoint name '\(name)' is used twice"
        case .invalid(_, let error): error.description
        case .unknownEndpoint(let name, let known):
            "unknown endpoint '\(name)'; the config's endpoints are: \(known.isEmpty ? "(none)" : known.sorted().joined(separator: ", "))"
        case .client(let error): error.description
        }
    }

    /// The position in the list the error is about, for a located config error.
    public var index: Int? {
        switch self {
        case .duplicateName(let index, _), .invalid(let index, _): index
        case .unknownEndpoint, .client: nil
        }
    }

    /// The endpoint error underneath, if any.
    public var endpointError: EndpointError? {
        switch self {
        case .invalid(_, let error), .client(let error): error
        case .duplicateName, .unknownEndpoint: nil
        }
    }
}
