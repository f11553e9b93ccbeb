/// A planned sample that produced no answer after its retries: kept in the record with its
/// reason, so the prompt is reported as incomplete (and retried on a later resume) instead of
/// being dropped or padded with an empty answer.
public struct SampleFailure: Codable, Hashable, Sendable {
    public var model: String
    public var principle: String
    public var customSystemPrompt: String
    public var sampleIndex: Int
    public var seed: Int
    /// What went wrong, in words a person can act on (HTTP status, transport error, budget...).
    public var reason: String
    /// What kind of failure it was, for failure tables and decisions.
    public var kind: FailureKind
    /// Attempts made, retries included.
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case model, principle, seed, reason, kind, attempts
        case customSystemPrompt = "custom_system_prompt"
        case sampleIndex = "sample_index"
    }
}
