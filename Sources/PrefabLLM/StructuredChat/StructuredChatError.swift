/// What a `StructuredChat` conformer throws for an answer that is the model's fault rather than
/// the transport's: callers count it and retry, as they do for bad JSON.
public enum StructuredChatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The model hit its token limit (`finish_reason: length`), so its JSON is cut off.
    case truncated

    public var description: String {
        switch self {
        case .truncated: "the model's answer was cut off at its token limit (raise max_tokens)"
        }
    }
}
