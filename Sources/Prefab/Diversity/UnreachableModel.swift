/// Stands in for a model endpoint whose client could not be set up because the server is not
/// there (a `local` endpoint whose server is not running): every call throws that reason.
///
/// A run report is written whatever its model-based metrics do, so a server that is down must
/// become a note beside the metric, as a call that fails would, not stop the report.
struct UnreachableModel: EmbeddingProvider, StructuredChat {
    let name: String
    let reason: EndpointError

    var embeddingModelName: String { name }

    func embed(_ texts: [String]) async throws -> [[Float]] { throw reason }

    func respond(to request: StructuredChatRequest) async throws -> String { throw reason }
}
