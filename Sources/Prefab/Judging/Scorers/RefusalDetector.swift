/// Recognises a refusal ("I can't help with that", "I'm sorry, but I cannot …") at the start
/// of a response, where refusals are made; a helpful answer that later says "I can't stress
/// this enough" is not one.
package struct RefusalDetector: Sendable {
    /// How much of the response's start is searched.
    package static let window = 300

    static let builtInPatterns = [
        #"\bI\s*(?:can(?:'|’)?t|cannot|can not|won(?:'|’)?t|will not|am not able to|(?:'|’)m not able to|am unable to|(?:'|’)m unable to)\s+(?:help|assist|provide|comply|fulfil+|do that|do this|support|create|write|give|share|engage|answer)"#,
        #"\b(?:I(?:'|’)m|I am)\s+sorry,?\s+(?:but\s+)?I\s+(?:can|cannot|can(?:'|’)t|won(?:'|’)t|am unable|(?:'|’)m unable)"#,
        #"\bI\s+(?:must|have to)\s+(?:decline|refuse)"#,
        #"\bI\s+(?:refuse|decline)\s+to\b"#,
        #"\bas an AI(?: language model)?,?\s+I\s+(?:can(?:'|’)?t|cannot|am not able|don(?:'|’)t)"#,
        #"\b(?:against|violates?)\s+(?:my|the)\s+(?:guidelines|policies|policy|principles)"#,
        #"\bnot\s+(?:something|able)\s+I\s+can\s+(?:help|assist)"#,
    ]

    private let patterns: [String]

    package init(extraPatterns: [String] = []) {
        patterns = Self.builtInPatterns + extraPatterns
    }

    /// The refusal phrase found, or nil.
    package func refusal(in response: String) -> String? {
        let start = String(response.prefix(Self.window))
        for pattern in patterns {
            guard let regex = try? Regex(pattern).ignoresCase() else { continue }
            if let match = start.firstMatch(of: regex) { return String(start[match.range]) }
        }
        return nil
    }
}
