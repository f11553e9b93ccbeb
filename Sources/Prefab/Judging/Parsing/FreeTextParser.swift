import Foundation

/// Reads ratings, verdicts and critiques from a judge's prose: `Rating: 4`, `**Rating**: N/A`,
/// `[[4]]`, `[RESULT] 4`, `[[A]]`/`[[B]]`/`[[TIE]]`, UltraFeedback's `#### Output for Text 2`
/// sections. Case, Markdown emphasis and surrounding noise are tolerated; a value outside the
/// rubric's scale is a failure, never clamped.
package enum FreeTextParser {
    /// The rating in one completion's section (or a whole single-mode answer).
    package static func rating(in text: Substring, scale: RatingScale) -> Result<ParsedRating, JudgeParseFailure> {
        let candidates = ratingCandidates(in: text)
        guard !candidates.isEmpty else { return .failure(.noRating) }
        guard let chosen = candidates.last(where: { scale.validate($0.value) != nil }) else {
            return .failure(.outOfScale(candidates.last!.text))
        }
        let fields = labelledFields(in: text)
        let rationales = fields.filter { $0.label.hasPrefix("rationale") || $0.label == "explanation" || $0.label.hasPrefix("reason") || $0.label == "feedback" }
        let types = fields.first { $0.label.hasPrefix("type") }.map { labels(in: $0.value) }
        var parsed = ParsedRating(rating: chosen.value, types: types)
        if let explicit = rationales.first(where: { $0.label == "rationale for rating" }) {
            parsed.rationale = rationales.first { $0.label != "rationale for rating" }?.value ?? ""
            parsed.rationaleForRating = explicit.value
        } else if types != nil, rationales.count >= 2 {
            // UltraFeedback's typed layout: Type, Rationale (for the types), Rating, Rationale (for the rating).
            parsed.rationale = rationales[0].value
            parsed.rationaleForRating = rationales[1].value
        } else if let first = rationales.first {
            parsed.rationale = first.value
        } else {
            let rest = text[..<chosen.range.lowerBound] + text[chosen.range.upperBound...]
            parsed.rationale = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return .success(parsed)
    }

    /// One rating per completion from an answer that rated `count` completions, in the order
    /// they were shown (index 0 is "Text 1"). A completion whose section is missing or
    /// unreadable gets its own failure; the others still count.
    package static func ratings(in text: String, count: Int, scale: RatingScale) -> [Result<ParsedRating, JudgeParseFailure>] {
        let sections = sections(in: text)
        if sections.isEmpty || (count == 1 && sections.allSatisfy { $0.number != 1 }) {
            if count == 1 { return [rating(in: text[...], scale: scale)] }
            // No headings: accept exactly one rating per completion, in order.
            let found = ratingCandidates(in: text[...])
            guard found.count == count else {
                return Array(repeating: .failure(found.isEmpty ? .noRating : .wrongCount(expected: count, found: found.count)), count: count)
            }
            return found.map { candidate in
                scale.validate(candidate.value).map { .success(ParsedRating(rating: $0)) } ?? .failure(.outOfScale(candidate.text))
            }
        }
        guard count > 0 else { return [] }
        return (1...count).map { number in
            let mine = sections.filter { $0.number == number }
            guard !mine.isEmpty else { return .failure(.noRating) }
            var last: Result<ParsedRating, JudgeParseFailure> = .failure(.noRating)
            for section in mine.reversed() {
                last = rating(in: section.text, scale: scale)
                if case .success = last { return last }
            }
            return last
        }
    }

    /// The pairwise verdict: the last `[[A]]`/`[[B]]`/`[[TIE]]` (or `[[C]]`), else a labelled
    /// `Verdict: A` / `Winner: Output (b)` / `Better: tie` line.
    package static func verdict(in text: String) -> Result<ParsedVerdict, JudgeParseFailure> {
        let bracketed = text.matches(of: /(?i)\[\[\s*(?:output|response|answer|assistant)?\s*\(?\s*(a|b|c|tie|draw)\s*\)?\s*\]\]/)
        var verdict: PairwiseVerdict?
        var matchedRange: Range<String.Index>?
        if let last = bracketed.last {
            verdict = PairwiseVerdict(label: String(last.output.1))
            matchedRange = last.range
        } else {
            let fields = labelledFields(in: text[...])
            for field in fields.reversed() where ["verdict", "final verdict", "winner", "better", "preferred", "preference", "choice", "decision"].contains(field.label) {
                if let found = verdictLabel(in: field.value) {
                    verdict = found
                    break
                }
            }
        }
        guard let verdict else { return .failure(.noVerdict) }
        let fields = labelledFields(in: text[...])
        var rationale = fields.first { $0.label.hasPrefix("rationale") || $0.label == "explanation" || $0.label.hasPrefix("reason") }?.value
        if rationale == nil {
            var rest = text
            if let matchedRange { rest.replaceSubrange(matchedRange, with: "") }
            rationale = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return .success(ParsedVerdict(verdict: verdict, rationale: rationale ?? ""))
    }

    /// A critique and its overall score (`Overall Score: 7`, `Score: 7/10`, `[[7]]`).
    package static func critique(in text: String, scale: RatingScale) -> Result<ParsedCritique, JudgeParseFailure> {
        switch rating(in: text[...], scale: scale) {
        case .failure(let failure): return .failure(failure)
        case .success(let parsed):
            guard let score = parsed.rating.score else { return .failure(.outOfScale("N/A")) }
            let fields = labelledFields(in: text[...])
            let words = fields.first { $0.label == "critique" || $0.label == "feedback" }?.value ?? parsed.rationale
            return .success(ParsedCritique(critique: words, score: score))
        }
    }

    /// Splits "1, 3", "[1, 3]", "None", "1. Clarity; 2. Usefulness" into labels.
    static func labels(in text: String) -> [String] {
        text.split(whereSeparator: { ",;\n".contains($0) })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t[]\"'`*.")) }
            .filter { !$0.isEmpty }
    }

    // MARK: - Pieces

    struct RatingCandidate {
        var value: RatingValue
        var text: String
        var range: Range<String.Index>
    }

    /// Every rating mention, in text order; `[[n]]` mentions win over labelled ones.
    static func ratingCandidates(in text: Substring) -> [RatingCandidate] {
        let value = #"(\d+(?:\.\d+)?|n\s*/\s*a\b|na\b|not\s+applicable)"#
        let bracketed = try! Regex(#"(?i)\[\[\s*"# + value + #"\s*(?:/\s*\d+\s*)?\]\]"#)
        let labelled = try! Regex(
            #"(?i)(?:\b(?:overall\s+)?(?:rating|score|grade)\b\s*\**\s*(?:\(\s*\d+\s*(?:-|–|to)\s*\d+\s*\)\s*)?\**\s*[:=]|\[result\])\s*\**\s*\[*\s*"#
                + value)
        for regex in [bracketed, labelled] {
            let found: [RatingCandidate] = text.matches(of: regex).compactMap { match in
                guard let captured = match.output[1].substring else { return nil }
                return RatingCandidate(value: ratingValue(String(captured)), text: String(captured), range: match.range)
            }
            if !found.isEmpty { return found }
        }
        // A bare number is a whole answer ("4", "4.") only when nothing else was written.
        let trimmed = text.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ".*")))
        if let number = Double(trimmed) {
            return [RatingCandidate(value: .score(number), text: trimmed, range: text.startIndex..<text.endIndex)]
        }
        if ["n/a", "na", "not applicable"].contains(trimmed.lowercased()) {
            return [RatingCandidate(value: .notApplicable, text: trimmed, range: text.startIndex..<text.endIndex)]
        }
        return []
    }

    static func ratingValue(_ text: String) -> RatingValue {
        if let number = Double(text) { return .score(number) }
        return .notApplicable
    }

    /// Reads a rating written as a JSON string: "4", "4/5", "N/A", "Rating: 4".
    static func ratingValue(fromString text: String) -> RatingValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let number = Double(trimmed) { return .score(number) }
        if let slash = trimmed.firstIndex(of: "/"), let number = Double(trimmed[..<slash].trimmingCharacters(in: .whitespaces)) {
            return .score(number)
        }
        if ["n/a", "na", "not applicable", "none"].contains(trimmed.lowercased()) { return .notApplicable }
        return ratingCandidates(in: trimmed[...]).last?.value
    }

    /// A verdict written after a label: "A", "Output (b)", "Assistant B is better", "a tie".
    static func verdictLabel(in text: String) -> PairwiseVerdict? {
        let lowered = text.lowercased()
        let words = lowered.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        if words.contains(where: { ["tie", "draw", "equal", "neither", "both"].contains($0) }) { return .tie }
        for word in words {
            if let verdict = PairwiseVerdict(label: word), verdict != .tie || word == "c" { return verdict }
        }
        return nil
    }

    struct Section {
        var number: Int
        var text: Substring
    }

    /// UltraFeedback-style sections: text from a "#### Output for Text 2" / "**Text B:**" /
    /// "Response B" / "<response B>" heading up to the next heading.
    static func sections(in text: String) -> [Section] {
        // The keyword ignores case; the label does not, so "Response is good" names no section.
        let heading = /(?m)^[ \t#*>\-<]*(?i:output\s+for\s+)?(?i:text|response|completion|answer|output)\s*#?\s*\(?([A-Z]{1,2}|\d+)\b[ \t*:\])>]*/
        let matches = text.matches(of: heading)
        return matches.enumerated().compactMap { offset, match in
            guard let number = CompletionLabel.position(of: String(match.output.1)) else { return nil }
            let end = offset + 1 < matches.count ? matches[offset + 1].range.lowerBound : text.endIndex
            return Section(number: number, text: text[match.range.upperBound..<end])
        }
    }

    struct Field {
        var label: String
        var value: String
    }

    /// "Label: value" fields, each running until the next known label at the start of a line.
    static func labelledFields(in text: Substring) -> [Field] {
        let label = /(?i)^[ \t#*>\-]*(rationale\s+for\s+(?:the\s+)?rating|rationale|types?|rating|overall\s+score|score|critique|feedback|final\s+verdict|verdict|winner|better|preferred|preference|choice|decision|explanation|reasoning|reason)\s*\**\s*(?:\(\s*\d+\s*(?:-|–|to)\s*\d+\s*\)\s*)?\**\s*[:=]\s*\**\s*(.*)$/
        var fields: [Field] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let match = line.wholeMatch(of: label) {
                let name = match.output.1.lowercased().split(whereSeparator: \.isWhitespace).filter { $0 != "the" }.joined(separator: " ")
                fields.append(Field(label: name, value: String(match.output.2)))
            } else if !fields.isEmpty {
                fields[fields.count - 1].value += "\n" + line
            }
        }
        return fields.map { Field(label: $0.label, value: $0.value.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "*")))) }
    }
}
