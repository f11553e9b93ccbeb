/// Length measures for scorers and bias figures.
package enum TextMeasure {
    /// A tokenizer-free token estimate: runs of letters or digits, plus each other non-space
    /// character. Used when a completion carries no `usage.completion_tokens`.
    package static func estimatedTokens(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for character in text {
            if character.isLetter || character.isNumber {
                if !inWord { count += 1 }
                inWord = true
            } else {
                inWord = false
                if !character.isWhitespace { count += 1 }
            }
        }
        return count
    }
}
