import Foundation

/// Compares a response with a reference answer: numerically (within a tolerance), exactly
/// (trimmed and case-folded), or by a regular expression the reference supplies.
package struct ReferenceMatcher: Sendable {
    package let configuration: ReferenceScorerConfiguration

    package init(_ configuration: ReferenceScorerConfiguration) {
        self.configuration = configuration
    }

    /// Whether `response` matches `reference`, and what was compared, in words.
    package func check(response: String, reference: String) -> (passed: Bool, detail: String) {
        let text = droppingIgnoredLines(response)
        var match = configuration.match
        if match == .auto { match = Self.number(whole: reference) != nil ? .numeric : .exact }
        switch match {
        case .numeric, .auto:
            guard let expected = Self.number(whole: reference) else {
                return (false, "the reference '\(reference)' is not a number")
            }
            guard let extracted = extractedText(text, configuration.extract), let found = number(in: extracted) else {
                return (false, "no number found (reference \(Self.format(expected)))")
            }
            let passed = abs(found - expected) <= configuration.tolerance + configuration.relativeTolerance * abs(expected)
            return (passed, "extracted \(Self.format(found)); reference \(Self.format(expected))")
        case .exact:
            // A last number is no answer to compare with a text reference: take the whole response.
            let extract = configuration.extract == .lastNumber ? .whole : configuration.extract
            guard let extracted = extractedText(text, extract) else { return (false, "no answer found (reference '\(reference)')") }
            let passed = normalize(extracted) == normalize(reference)
            return (passed, "extracted '\(extracted)'; reference '\(reference)'")
        case .regex:
            guard var regex = try? Regex(reference) else { return (false, "the reference is not a valid regular expression") }
            if !configuration.caseSensitive { regex = regex.ignoresCase() }
            if let found = text.firstMatch(of: regex) { return (true, "matched '\(text[found.range])'") }
            return (false, "no match for /\(reference)/")
        }
    }

    private func droppingIgnoredLines(_ text: String) -> String {
        let patterns = configuration.ignoreLines.compactMap { try? Regex($0) }
        guard !patterns.isEmpty else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !patterns.contains { line.contains($0) } }
            .joined(separator: "\n")
    }

    /// The part of the response that holds the answer.
    private func extractedText(_ text: String, _ extract: ReferenceScorerConfiguration.Extract) -> String? {
        switch extract {
        case .whole:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case .lastNumber:
            return Self.numberTokens(in: text).last
        case .answerLine:
            let label = /(?i)(?:final\s+)?answer\s*(?:is|:|=)\s*\**\s*(.+)/
            guard let found = text.matches(of: label).last else { return nil }
            return String(found.output.1).trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "*")))
        case .boxed:
            return Self.lastBoxed(in: text)
        }
    }

    /// A number in extracted text: the whole text when it is one, else (answer lines, boxed)
    /// its first number, or (last_number) the token itself.
    private func number(in text: String) -> Double? {
        Self.number(whole: text) ?? Self.numberTokens(in: text).first.flatMap { Self.number(whole: $0) }
    }

    private func normalize(_ text: String) -> String {
        var result = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while let last = result.last, ".!;".contains(last) { result.removeLast() }
        result = result.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return configuration.caseSensitive ? result : result.lowercased()
    }

    /// Number-like tokens in order: "1,234.5", "-6", "$30", "15%", "3/4".
    static func numberTokens(in text: String) -> [String] {
        let token = /[-−]?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*\/\s*\d+(?:\.\d+)?)?%?/
        return text.matches(of: token).map { match in
            var value = String(text[match.range])
            // A minus sign glued to a preceding letter or digit is a hyphen, not a sign ("x-6", "10-3").
            if value.first == "-" || value.first == "−", match.range.lowerBound > text.startIndex {
                let before = text[text.index(before: match.range.lowerBound)]
                if before.isLetter || before.isNumber { value.removeFirst() }
            }
            return value
        }
    }

    /// The text as a number, when it is exactly one: commas, `$`, `%` and surrounding spaces
    /// ignored; `a/b` read as a fraction.
    static func number(whole text: String) -> Double? {
        var cleaned = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while let last = cleaned.last, ".".contains(last), cleaned.count > 1 { cleaned.removeLast() }
        cleaned = cleaned.replacingOccurrences(of: "−", with: "-")
            .filter { $0 != "," && $0 != "$" && $0 != "%" && !$0.isWhitespace }
        if let value = Double(cleaned), value.isFinite { return value }
        let parts = cleaned.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let numerator = Double(parts[0]), let denominator = Double(parts[1]), denominator != 0 {
            return numerator / denominator
        }
        return nil
    }

    /// The contents of the last `\boxed{…}`, braces balanced.
    static func lastBoxed(in text: String) -> String? {
        guard let start = text.ranges(of: "\\boxed{").last else { return nil }
        var depth = 1
        var index = start.upperBound
        while index < text.endIndex {
            switch text[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return String(text[start.upperBound..<index]) }
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
