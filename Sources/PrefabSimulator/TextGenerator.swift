import PrefabShards

/// Makes the words of a simulated answer: sentences drawn from the simulator's vocabulary mixed
/// with words taken from the prompt, so answers to different prompts differ in vocabulary (what
/// distinct-n, compression and embedding metrics look at) and not only in order.
struct TextGenerator {
    /// Distinct words (letters only, 3–24 characters, lowercased) of the prompt, in order.
    let promptWords: [String]

    /// Share of words taken from the prompt when it has any.
    private static let promptShare = 0.3

    init(prompt: String) {
        var words: [String] = []
        var seen = Set<String>()
        var current = String.UnicodeScalarView()
        func flush() {
            if (3...24).contains(current.count) {
                let word = String(current).lowercased()
                if seen.insert(word).inserted { words.append(word) }
            }
            current = String.UnicodeScalarView()
        }
        for scalar in prompt.unicodeScalars {
            if scalar.properties.isAlphabetic {
                current.append(scalar)
            } else {
                flush()
                if words.count >= 64 { break }
            }
        }
        flush()
        promptWords = words
    }

    mutating func word(using generator: inout SplitMix64) -> String {
        // Few prompt words get a smaller share, so they do not repeat in every sentence.
        let share = Self.promptShare * min(1, Double(promptWords.count) / 8)
        if !promptWords.isEmpty, generator.nextUnit() < share {
            return promptWords[Int(generator.next() % UInt64(promptWords.count))]
        }
        return Vocabulary.words[Int(generator.next() % UInt64(Vocabulary.words.count))]
    }

    /// `count` words as sentences of 5–14 words, each capitalised and ending with a period.
    mutating func text(words count: Int, using generator: inout SplitMix64) -> String {
        var output = ""
        output.reserveCapacity(count * 8)
        var remainingInSentence = 0
        for index in 0..<count {
            var word = word(using: &generator)
            if remainingInSentence == 0 {
                remainingInSentence = 5 + Int(generator.next() % 10)
                word = word.prefix(1).uppercased() + word.dropFirst()
            }
            if index > 0 { output += " " }
            output += word
            remainingInSentence -= 1
            if remainingInSentence == 0 || index == count - 1 {
                output += "."
            } else if generator.nextUnit() < 0.06 {
                output += ","
            }
        }
        return output
    }

    /// A phrase whose length in characters lies in `minLength...maxLength` (as far as the bounds
    /// allow), for JSON-schema strings. `targetWords` sets the length when the bounds are loose.
    mutating func phrase(
        minLength: Int, maxLength: Int?, targetWords: Int, using generator: inout SplitMix64
    ) -> String {
        let limit = maxLength ?? Int.max
        if limit <= 0 { return "" }
        var output = ""
        var words = 0
        while words < targetWords || output.count < minLength {
            var next = word(using: &generator)
            if words == 0 { next = next.prefix(1).uppercased() + next.dropFirst() }
            let candidate = words == 0 ? next : output + " " + next
            if candidate.count > limit {
                if output.count >= minLength, !output.isEmpty { break }
                // Fill up to the bound with letters from the word (bounds tighter than a word).
                output = String(candidate.prefix(limit))
                break
            }
            output = candidate
            words += 1
        }
        while output.count < minLength {
            output += "x"
        }
        return output
    }
}
