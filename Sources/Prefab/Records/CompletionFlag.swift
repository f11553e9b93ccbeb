/// Something about an answer that a judge or a pairing rule should know before trusting it.
///
/// Flagged answers are kept (an empty or cut-off answer is a real, and usually bad, answer that
/// may make a good rejected side), but marked, so no stage mistakes them for ordinary ones.
public enum CompletionFlag: String, Codable, Hashable, Sendable, CaseIterable {
    /// The answer is empty or only whitespace.
    case empty
    /// Generation stopped at `max_tokens` (`finish_reason: length`): the answer is cut off.
    case truncated

    /// The flags an answer earns from its text and finish reason.
    public static func flags(response: String, finishReason: String?) -> [CompletionFlag] {
        var flags: [CompletionFlag] = []
        if response.allSatisfy(\.isWhitespace) { flags.append(.empty) }
        if finishReason == "length" { flags.append(.truncated) }
        return flags
    }
}
