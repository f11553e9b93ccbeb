import Foundation

/// Reads a pairwise verdict from a judge's prose, from unambiguous forms only. A verdict-like
/// word is not a verdict: "Verdict: a clear win for B" starts with the article "a", and the
/// sentences before a verdict name both labels. What no form below reads is unreadable, so the
/// judge is asked again and, failing that, the vote is recorded as failed instead of guessed.
///
/// Forms, strongest first; the first kind present decides:
/// 1. `[[A]]`, `[[b]]`, `[[TIE]]`, `[[C]]` (MT-Bench's tie), `[[Response B]]`. The last one wins
///    (a judge that revises itself ends with the verdict it settled on, and the prompt asks for
///    the verdict at the end); a list of options echoed from the prompt
///    ("[[A]], [[B]] or [[TIE]]") is not a verdict.
/// 2. A labelled verdict: `Verdict: B`, `**Final verdict:** Response A`, `Winner: Output (b)`,
///    `Decision:`, `Preferred:`, `Better response:`, or a `## Verdict` heading with the value on
///    the next line. The last one decides; if its value is not a label, the answer is unreadable.
/// 3. The whole answer is a label: `B`, `a`, `(b)`, `Output (a)`, `Tie`, `Both are equally good`.
/// 4. Plain statements: "Response A is better", "I prefer Assistant B", "The winner is Output
///    (a)", "My verdict is B", "(b) is better", "It's a tie". Negated or conditional ones ("I wouldn't say A is
///    better", "If A is better…") and partial ones ("A is better at formatting") are not read;
///    statements that disagree make the answer unreadable.
///
/// Letters are followed by `(?!\w)`, not `\b`: Swift's Unicode word boundaries see no boundary
/// inside "B's".
///
/// Case matters where it disambiguates: a bare lowercase "a" is read only as a whole value or in
/// brackets or parentheses; a bare capital "A" only when what follows cannot continue an article
/// ("A.", "A, though…", "A is better", not "A clear win").
enum FreeTextVerdict {
    /// The verdict and, for a bracketed one, where it stands (so the rationale can leave it out).
    static func read(_ text: String) -> (verdict: PairwiseVerdict, range: Range<String.Index>?)? {
        if let bracketed = lastBracketed(in: text) { return bracketed }
        // Markdown emphasis and code marks carry no meaning for the remaining forms.
        let plain = text.filter { $0 != "*" && $0 != "`" }
        if let labelled = lastLabelledValue(in: plain) {
            return label(in: labelled).map { ($0, nil) }
        }
        if let whole = wholeLabel(plain) { return (whole, nil) }
        return statement(in: plain).map { ($0, nil) }
    }

    // MARK: - Brackets

    static func lastBracketed(in text: String) -> (verdict: PairwiseVerdict, range: Range<String.Index>?)? {
        let matches = text.matches(of: /(?i)\[\[\s*(?:output|response|answer|assistant)?\s*\(?\s*(a|b|c|tie|draw)\s*\)?\s*\]\]/)
        // Brackets joined only by ",", "/" or "or" are the prompt's list of options.
        var inList = Array(repeating: false, count: matches.count)
        for index in matches.indices.dropLast() {
            let between = text[matches[index].range.upperBound..<matches[index + 1].range.lowerBound]
                .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if ["", ",", "/", "or", ", or", "and", ", and"].contains(between) {
                inList[index] = true
                inList[index + 1] = true
            }
        }
        guard let last = matches.indices.last(where: { !inList[$0] }),
            let verdict = PairwiseVerdict(label: String(matches[last].output.1))
        else { return nil }
        return (verdict, matches[last].range)
    }

    // MARK: - Labelled verdicts

    /// A verdict label at the start of a line (after list, quote and heading marks).
    static var lineLabel: Regex<(Substring, Substring)> { /(?i)^[ \t#>\-+•]*(?:(?:my|the|overall|final)\s+)*(?:verdict|winner|better\s+(?:response|answer|output)|better|preferred(?:\s+(?:response|answer|output))?|preference|choice|decision|final\s+answer)\s*[:=]\s*(.*)$/ }
    /// "verdict:" / "winner:" anywhere in a line ("…so my final verdict: B").
    static var inlineLabel: Regex<(Substring, Substring)> { /(?i)\b(?:verdict|winner)\s*[:=]\s*(.*)$/ }
    /// A heading that announces the verdict on the following line.
    static var headingLabel: Regex<Substring> { /(?i)^[ \t#>\-+•]*(?:(?:my|the|overall|final)\s+)*(?:verdict|winner|decision|final\s+answer)\s*:?\s*$/ }

    /// The value of the last labelled verdict, or nil when there is none.
    static func lastLabelledValue(in text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: String?
        for (index, line) in lines.enumerated() {
            var value: String?
            if let match = line.wholeMatch(of: lineLabel) {
                value = String(match.output.1)
            } else if let match = line.matches(of: inlineLabel).last {
                value = String(match.output.1)
            } else if line.wholeMatch(of: headingLabel) != nil {
                value = ""
            }
            guard var value else { continue }
            value = value.trimmingCharacters(in: .whitespaces)
            if value.isEmpty {
                // The value is on the next non-empty line.
                value = lines[(index + 1)...].first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            }
            found = value
        }
        return found
    }

    static let labelWord = #"(?:response|output|answer|assistant|model|candidate|option|text)"#
    /// What may follow a bare capital letter for it to be a label and not an article.
    static let afterLetter = #"(?=\s*$|['’]s\b|\s*[^\w\s'’]|\s+(?:is|was|wins|won|because|since|as|overall|by|for|here|clearly|slightly)\b)"#

    /// A verdict written as a value: "B", "Output (b)", "Response A is better", "a tie",
    /// "both equally good", "B, though A is close". Nil for anything else ("a clear win for B").
    static func label(in value: String) -> PairwiseVerdict? {
        let trimmed = value.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "*`\"'#>[]")))
        if let whole = wholeLabel(trimmed) { return whole }
        let forms: [(String, PairwiseVerdict?)] = [
            // Parenthesised, any case, with or without a label word: "Output (a)", "(B)".
            (#"^(?i:"# + labelWord + #"\s*)?\(\s*([AaBbCc])\s*\)"#, nil),
            // A label word and a capital letter: "Response B, because…".
            (#"^(?i:"# + labelWord + #"\s*)([ABC])(?!\w)"#, nil),
            // A bare capital letter that cannot be an article: "B, though A is close".
            (#"^([ABC])"# + afterLetter, nil),
            (#"^(?i:(?:it['’]?s\s+|it\s+is\s+)?(?:a\s+)?(?:tie|draw))\b"#, .tie),
            (#"^(?i:neither(?:\s+(?:response|answer|output|one))?(?:\s+is\s+better)?)"# + afterLetter, .tie),
            (#"^(?i:equal(?:ly\s+good)?|the\s+same)"# + afterLetter, .tie),
            (#"^(?i:both\s+(?:are\s+)?(?:equally\s+\w+|equal|the\s+same|tied))"# + afterLetter, .tie),
        ]
        for (pattern, fixed) in forms {
            guard let match = try! Regex(pattern).firstMatch(in: trimmed) else { continue }
            if let fixed { return fixed }
            if let letter = match.output[1].substring { return PairwiseVerdict(label: String(letter)) }
        }
        return nil
    }

    /// The whole text as one label: "B", "a.", "(b)", "Output (a)", "Tie", "It's a tie",
    /// "Both are equally good". Any case: nothing else was written that a letter could belong to.
    static func wholeLabel(_ text: String) -> PairwiseVerdict? {
        let trimmed = text.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "*`\"'#>.!")))
        if let match = trimmed.wholeMatch(of: try! Regex(#"(?i)(?:"# + labelWord + #"\s*)?(?:\(\s*([abc])\s*\)|([abc])|([12]))"#)) {
            let letter = match.output[1].substring ?? match.output[2].substring ?? match.output[3].substring
            return letter.flatMap { PairwiseVerdict(label: String($0)) }
        }
        let tie = #"(?i)(?:it['’]?s\s+|it\s+is\s+)?(?:a\s+)?(?:tie|draw)|equal|equally\s+good|the\s+same|neither(?:\s+(?:response|answer|output|one))?(?:\s+is\s+better)?|(?:both|they)(?:\s+(?:responses|answers|outputs))?(?:\s+are)?\s+(?:equally\s+\w+|equal|the\s+same|tied)"#
        if trimmed.wholeMatch(of: try! Regex(tie)) != nil { return .tie }
        return nil
    }

    // MARK: - Statements

    /// A reference to one of the two answers in running prose; the letter keeps its case unless
    /// it is in parentheses.
    static let reference = #"((?i:"# + labelWord + #"\s*)(?:\([AaBb]\)|[AB](?!\w))|\([AaBb]\)|\b[AB](?!\w))"#
    /// What may follow "is better" for it to be a whole judgement, not "better at formatting".
    static let endOfJudgement = #"(?=\s*$|\s*[.!,;:)\]—–]|\s+-\s|\s+(?:because|since|as|here|overall|due|thanks|than|and|so)\b)"#

    static var statements: [Regex<AnyRegexOutput>] {
        [
            try! Regex(reference + #"(?:['’]s\s+(?:answer|response|output))?\s+is\s+(?:(?:clearly|slightly|much|significantly|far|definitely|overall|somewhat|the)\s+)*(?:better|superior|stronger|preferable|preferred|the\s+winner)(?:\s+(?:one|response|answer|output|choice|option))?(?:\s+overall)?"# + endOfJudgement),
            try! Regex(#"\b(?i:I\s+(?:would\s+|['’]d\s+)?(?:prefer|choose|pick|select|favou?r|go\s+with))\s+"# + reference + #"(?=['’]s\b|\s*$|\s*[^\w\s]|\s+(?:because|since|as|for|over|here|overall|due)\b)"#),
            try! Regex(#"(?i:\b(?:verdict|winner|better\s+(?:one|response|answer|output)|preferred\s+(?:one|response|answer|output)|stronger\s+(?:one|response|answer|output))\s+is\s+)"# + reference + endOfJudgement),
            try! Regex(reference + #"\s+wins\b"#),
        ]
    }
    static var tieStatement: Regex<Substring> { /(?i)\b(?:it['’]?s|it\s+is|this\s+is|that['’]?s|call\s+it|calling\s+it)\s+a\s+(?:tie|draw)\b|\bneither\s+(?:response\s+|answer\s+|output\s+|one\s+)?is\s+better\b/ }
    /// Words before a statement, in its sentence, that stop it being the judge's claim.
    static var hedging: Regex<Substring> { /(?i)\b(?:not|never|no|nor|if|whether|unless|cannot|might|may)\b|n['’]t\b/ }

    /// The verdict every plain statement agrees on; nil when there is none or they disagree.
    static func statement(in text: String) -> PairwiseVerdict? {
        var found: Set<PairwiseVerdict> = []
        func claimed(_ range: Range<String.Index>) -> Bool {
            let before = text[..<range.lowerBound]
            let sentenceStart = before.lastIndex(where: { ".!?\n".contains($0) }).map { text.index(after: $0) } ?? text.startIndex
            return text[sentenceStart..<range.lowerBound].firstMatch(of: hedging) == nil
        }
        for regex in statements {
            for match in text.matches(of: regex) where claimed(match.range) {
                guard let reference = match.output[1].substring else { continue }
                let letter = reference.filter { "AaBb".contains($0) }.last.map(String.init) ?? ""
                if let verdict = PairwiseVerdict(label: letter) { found.insert(verdict) }
            }
        }
        for match in text.matches(of: tieStatement) where claimed(match.range) { found.insert(.tie) }
        return found.count == 1 ? found.first : nil
    }
}
