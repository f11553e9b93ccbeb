/// A chat model that answers with JSON for a given JSON schema: what the LLM cluster-agent
/// metric needs from a model endpoint, and what any other caller that wants one JSON answer
/// (rather than a judge's several choices) asks for.
///
/// `SchemaConstrainedChat` conforms over any `ChatClient` (sending the schema as
/// `response_format`), and so can a scripted fake in a unit test. A conformer returns the
/// model's text as it came; the caller parses and validates it, and retries on bad JSON. Errors
/// a conformer throws (network, HTTP status after its own retries, an exhausted budget) are not
/// the model's fault: retrying them again would double the client's retries.
public protocol StructuredChat: Sendable {
    func respond(to request: StructuredChatRequest) async throws -> String
}
