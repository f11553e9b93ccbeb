import PrefabShards

/// The free-text answer an UltraFeedback judge prompt asks for, as the `ultrafeedback-text`
/// answer style writes it.
///
/// The UltraFeedback annotation prompt (the paper's templates, as distilabel renders them) lists
/// the texts to rate as `<text 1> …` to `<text N> …` and shows the expected output: per text a
/// `#### Output for Text K` heading, then `Rating:` and `Rationale:` lines, with a `Type:` line
/// and its own rationale first for the helpfulness and truthfulness aspects. Sections are
/// separated by a blank line and contain none, which is how parsers that split on blank lines
/// find one section per text.
struct UltraFeedbackTextAnswer: Equatable {
    /// How many texts the prompt asks to rate.
    let texts: Int
    /// Whether each section starts with `Type:` and a rationale for it.
    let typed: Bool

    /// Recognises the annotation layout in a user message; nil for any other prompt.
    init?(prompt: String) {
        guard prompt.contains("#### Output for Text 1"), prompt.contains("<text 1>") else { return nil }
        var count = 1
        while prompt.contains("<text \(count + 1)>") {
            count += 1
        }
        texts = count
        // Only the format description says whether a type is asked for; the texts to rate, which
        // come after the "## Annotation" heading, may contain anything.
        let format = prompt.range(of: "## Annotation").map { prompt[..<$0.lowerBound] } ?? prompt[...]
        typed = format.contains("\nType:")
    }

    /// The sections for every text, ratings drawn uniformly from 1–5.
    func compose(text: inout TextGenerator, using generator: inout SplitMix64) -> String {
        var sections: [String] = []
        sections.reserveCapacity(texts)
        for index in 1...texts {
            var lines = ["#### Output for Text \(index)"]
            if typed {
                let first = 1 + Int(generator.next() % 3)
                let types = generator.nextUnit() < 0.5 ? "\(first)" : "\(first), \(1 + (first % 3))"
                lines.append("Type: \(types)")
                lines.append("Rationale: " + rationale(&text, &generator))
            }
            lines.append("Rating: \(1 + Int(generator.next() % 5))")
            lines.append("Rationale: " + rationale(&text, &generator))
            sections.append(lines.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }

    /// One short sentence on a single line.
    private func rationale(_ text: inout TextGenerator, _ generator: inout SplitMix64) -> String {
        text.text(words: 6 + Int(generator.next() % 7), using: &generator)
    }
}
