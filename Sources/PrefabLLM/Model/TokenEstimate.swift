/// Token counts guessed from text length, where no tokenizer is at hand: the rate limiter's
/// charge before a call, the dry run's figures, and whether a judge's call fits a context window.
/// Real counts (the server's `usage`) replace the guess wherever one arrives.
public enum TokenEstimate {
    /// UTF-8 bytes per token: English prose comes near 4 with the usual BPE vocabularies; code,
    /// mathematics and other scripts take fewer, so checks against a hard limit add a margin.
    public static let bytesPerToken = 4

    /// The tokens of `text`, rounded up.
    public static func tokens(_ text: String) -> Int {
        (text.utf8.count + bytesPerToken - 1) / bytesPerToken
    }

    /// The tokens of a chat prompt: its texts, and a few a message for the chat template's markers.
    public static func tokens(_ messages: [ChatMessage]) -> Int {
        messages.reduce(0) { $0 + tokens($1.content) + 4 }
    }
}
