/// A chat model that answers with JSON for a given JSON schema: the only thing the LLM
/// cluster-agent metric needs from a model endpoint.
///
/// Prefab's OpenAI-compatible client conforms to it (sending the schema as `response_format`),
/// and so can `prefab-sim` or a scripted fake in a unit test. A conformer returns the model's
/// text as it came; the cluster agent parses and validates it, and retries on bad JSON. Errors a
/// conformer throws (network, HTTP status after its own retries, an exhausted budget) end the
/// measurement: they are not the model's fault and retrying them here would double the client's
/// retries.
public protocol StructuredChat: Sendable {
    func respond(to request: StructuredChatRequest) async throws -> String
}
