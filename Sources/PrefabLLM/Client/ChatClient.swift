/// Something that answers chat requests: an endpoint, a cached endpoint, or a test double.
///
/// The sampler, the judges and the diversity agents depend on this and nothing more.
public protocol ChatClient: Sendable {
    /// The model behind the client, as the response cache and records name it. Never secret.
    var identity: ModelIdentity { get }

    /// One chat completion with `request.parameters.n ?? 1` choices.
    func chat(_ request: ChatRequest) async throws -> ChatResponse

    /// The most tokens one request may hold (prompt and answer), when known: callers that can
    /// divide their work (a judge rating many answers in one call) send pieces that fit instead
    /// of a request the server will refuse. Wrappers pass their base client's on.
    var contextWindow: Int? { get async }
}

extension ChatClient {
    public var contextWindow: Int? {
        get async { nil }
    }
}
