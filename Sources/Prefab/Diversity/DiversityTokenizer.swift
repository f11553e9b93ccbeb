/// Splits a document into the word tokens every lexical diversity metric counts.
///
/// The rule, chosen so that figures do not depend on locale or punctuation style:
/// the text is lowercased (`String.lowercased()`, Unicode's default case mapping), and a token
/// is a maximal run of characters that are letters, numbers, or combining marks
/// (`Character.isLetter`, `isNumber`, or a first scalar of general category Mn/Mc/Me).
/// Everything else (spaces, punctuation, symbols, emoji) separates tokens and is dropped.
/// An apostrophe splits a word ("don't" → "don", "t"), the same for every corpus.
/// Scripts written without spaces (Chinese, Japanese) therefore yield one token per run of
/// characters between punctuation, which undercounts their n-grams; compare such corpora only
/// with each other.
package enum DiversityTokenizer {
    package static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text.lowercased() {
            if isWordCharacter(character) {
                current.append(character)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        if character.isLetter || character.isNumber { return true }
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
