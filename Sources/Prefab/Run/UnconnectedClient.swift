import PrefabShards

/// Stands in for an endpoint's client while a run config is only being checked, so the judge
/// ensemble can load its rubrics and templates without a server or an API key. Calling it is a
/// programming error: it answers with an error saying so.
struct UnconnectedClient: ChatClient, RewardModelClient {
    let endpoint: String

    var identity: ModelIdentity { ModelIdentity(provider: "unconnected", baseURL: "", model: endpoint) }

    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        throw EndpointError.unsupported(endpoint: endpoint, feature: "calls while the run config is only being checked")
    }

    func post(_ body: JSONValue) async throws -> RewardModelResponse {
        throw EndpointError.unsupported(endpoint: endpoint, feature: "calls while the run config is only being checked")
    }
}
