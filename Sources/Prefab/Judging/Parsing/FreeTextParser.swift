import Foundation

/// Reads ratings, verdicts and critiques from a judge's prose: `Rating: 4`, `**Rating**: N/A`,
/// `[[4]]`, `[RESULT] 4`, `[[A]]`/`[[B]]`/`[[TIE]]` (and the other forms `FreeTextVerdict`
/// reads), UltraFeedback's `#### Output for Text 2` sections. Case, Markdown emphasis and
/// surrounding noise are tolerated; a value outside the rubric's scale is a failure, never
/// clamped, and so is a hedge ("Rating: 3-4") or a score on another scale ("Score: 5/10").
package enum FreeTextParser {
    /// The rating in one completion's section (or a whole single-mode answer).
    package static func rating(in text: Substring, scale: RatingScale) -> Result<ParsedRating, JudgeParseFailure> {
        let candidates = ratingCandidates(in: text)
        guard !candidates.isEmpty else { return .failure(.noRating) }
        // The judge's last rating is its answer: when that one is off the scale, an earlier number
        // from its reasoning is not a substitute.
        let chosen = candidates.last!
        if case .failure(let failure) = validated(chosen, scale: scale) { return .failure(failure) }
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
            return found.map { candidate in validated(candidate, scale: scale).map { ParsedRating(rating: $0) } }
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

    /// The pairwise verdict, read only from unambiguous forms (see `FreeTextVerdict`).
    package static func verdict(in text: String) -> Result<ParsedVerdict, JudgeParseFailure> {
        let reading = FreeTextVerdict.read(text)
        let verdict = reading?.verdict
        let matchedRange = reading?.range
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
        /// The "5" of "4/5" or "4 out of 5", when the judge wrote one.
        var outOf: Double? = nil
        /// A range or an either-or ("3-4", "4 or 5"): the judge did not commit to one number.
        var hedged = false
    }

    /// The candidate's value when it is one number on the rubric's scale (or an allowed N/A).
    static func validated(_ candidate: RatingCandidate, scale: RatingScale) -> Result<RatingValue, JudgeParseFailure> {
        if candidate.hedged { return .failure(.outOfScale(candidate.text)) }
        if let outOf = candidate.outOf, outOf != Double(scale.max) { return .failure(.outOfScale(candidate.text)) }
        guard let value = scale.validate(candidate.value) else { return .failure(.outOfScale(candidate.text)) }
        return .success(value)
    }

    /// Every rating mention, in text order; `[[n]]` mentions win over labelled ones.
    static func ratingCandidates(in text: Substring) -> [RatingCandidate] {
        let value = #"(?<value>\d+(?:\.\d+)?|n\s*/\s*a\b|na\b|not\s+applicable)"#
        let outOf = #"(?:[ \t]*(?:/|out\s+of)[ \t]*(?<outof>\d+(?:\.\d+)?))?"#
        let hedge = #"(?:[ \t]*(?:-|–|—|to|or)[ \t]*(?<hedge>\d+(?:\.\d+)?)\b)?"#
        let bracketed = try! Regex(#"(?i)\[\[\s*"# + value + #"\s*(?:/\s*(?<outof>\d+)\s*)?\]\]"#)
        let labelled = try! Regex(
            #"(?i)(?:\b(?:overall\s+)?(?:rating|score|grade)\b\s*\**\s*(?:\(\s*(?:\d+\s*(?:-|–|to)\s*\d+|out\s+of\s+\d+)\s*\)\s*)?\**\s*[:=]|\[result\])\s*\**\s*\[*\s*"#
                + value + outOf + hedge)
        for regex in [bracketed, labelled] {
            let found: [RatingCandidate] = text.matches(of: regex).compactMap { match in
                guard let captured = match["value"]?.substring else { return nil }
                let outOf = match["outof"]?.substring
                let hedge = match["hedge"]?.substring
                let end = hedge?.endIndex ?? outOf?.endIndex ?? captured.endIndex
                let written = outOf == nil && hedge == nil ? String(captured) : String(text[captured.startIndex..<end])
                return RatingCandidate(
                    value: ratingValue(String(captured)), text: written, range: match.range,
                    outOf: outOf.flatMap { Double($0) }, hedged: hedge != nil)
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

    /// A verdict written as a value (a JSON string, a labelled line): "A", "Output (b)",
    /// "Assistant B is better", "a tie". Nil for anything that is not a label ("a clear win for B").
    static func verdictLabel(in text: String) -> PairwiseVerdict? {
        FreeTextVerdict.label(in: text)
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
