import Foundation

extension Sampler {
    /// One client per configured endpoint, by name: an `EndpointClient` (API key from the
    /// environment, local server from its state file), answered from `cache` when one is given.
    public static func makeClients(
        for endpoints: [EndpointConfiguration], cache: ResponseCache? = nil, ledger: UsageLedger = UsageLedger(),
        engine: HTTPEngine = .shared, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SamplerError) -> [String: any ChatClient] {
        var clients: [String: any ChatClient] = [:]
        for endpoint in endpoints {
            let client: EndpointClient
            do {
                client = try EndpointClient(configuration: endpoint, engine: engine, ledger: ledger, environment: environment)
            } catch {
                throw .endpoint(error)
            }
            clients[endpoint.name] = cache.map { CachedChatClient(client, cache: $0) } ?? client
        }
        return clients
    }
}
