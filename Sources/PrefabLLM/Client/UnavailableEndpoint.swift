import PrefabShards

/// Stands in for an endpoint whose real client cannot, or must not, be used: every call throws
/// `reason`.
///
/// Two situations need one: a run config that is only being checked (`prefab validate`,
/// `--dry-run`), where the judge ensemble must load its rubrics and templates without a server or
/// an API key (`checkingOnly`); and a run report whose model-based metrics name a `local`
/// endpoint whose server is not running, where the failure must become a note beside the metric,
/// as a failing call would, rather than stop the report.
public struct UnavailableEndpoint: ChatClient, EmbeddingClient, RewardModelClient, StructuredChat {
    /// The endpoint's name, or its model id where that is what a report shows.
    public let name: String
    public let reason: EndpointError

    public init(name: String, reason: EndpointError) {
        self.name = name
        self.reason = reason
    }

    /// A client for an endpoint of a config that is only being checked: calling it is a
    /// programming error, and says so.
    public static func checkingOnly(_ endpoint: String) -> UnavailableEndpoint {
        UnavailableEndpoint(
            name: endpoint, reason: .unsupported(endpoint: endpoint, feature: "calls while the run config is only being checked"))
    }

    public var identity: ModelIdentity { ModelIdentity(provider: "unavailable", baseURL: "", model: name) }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse { throw reason }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse { throw reason }

    public func post(_ body: JSONValue) async throws -> RewardModelResponse { throw reason }

    public func respond(to request: StructuredChatRequest) async throws -> String { throw reason }
}
