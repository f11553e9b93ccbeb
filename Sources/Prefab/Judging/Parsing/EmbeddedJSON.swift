import PrefabShards

/// Finds JSON in a judge's answer: the whole answer, a fenced code block, or a `{…}` / `[…]`
/// span inside prose. Small models wrap JSON in prose and code fences even when asked not to.
enum EmbeddedJSON {
    /// Every JSON object or array found in `text`, most likely first.
    static func values(in text: String) -> [JSONValue] {
        var found: [JSONValue] = []
        var seen: Set<Substring> = []
        func consider(_ candidate: Substring) {
            let trimmed = candidate.trimmingJSONWhitespace()
            guard let first = trimmed.first, first == "{" || first == "[", seen.insert(trimmed).inserted,
                let value = try? JSONValue(parsing: String(trimmed))
            else { return }
            found.append(value)
        }
        consider(text[...])
        for block in fencedBlocks(in: text) { consider(block) }
        for span in balancedSpans(in: text) { consider(span) }
        return found
    }

    /// The contents of Markdown code fences (```json … ``` or ``` … ```).
    static func fencedBlocks(in text: String) -> [Substring] {
        var blocks: [Substring] = []
        var rest = text[...]
        while let open = rest.range(of: "```") {
            let afterOpen = rest[open.upperBound...]
            // Skip the info string (for example "json") up to the end of the line.
            let bodyStart = afterOpen.firstIndex(of: "\n").map { afterOpen.index(after: $0) } ?? afterOpen.startIndex
            let body = afterOpen[bodyStart...]
            guard let close = body.range(of: "```") else {
                blocks.append(body)  // An unclosed fence: the answer was probably cut off.
                break
            }
            blocks.append(body[..<close.lowerBound])
            rest = body[close.upperBound...]
        }
        return blocks
    }

    /// Outermost balanced `{…}` and `[…]` spans, skipping brackets inside JSON strings.
    static func balancedSpans(in text: String) -> [Substring] {
        var spans: [Substring] = []
        var stack: [Character] = []
        var start: String.Index?
        var inString = false
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if start != nil, inString {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
            } else if character == "{" || character == "[" {
                if start == nil { start = index }
                stack.append(character == "{" ? "}" : "]")
            } else if start != nil, character == "\"" {
                inString = true
            } else if start != nil, character == "}" || character == "]" {
                if stack.last == character {
                    stack.removeLast()
                    if stack.isEmpty, let begin = start {
                        spans.append(text[begin...index])
                        start = nil
                    }
                } else {
                    // Mismatched bracket: abandon this span and look for the next opener.
                    stack.removeAll()
                    if let begin = start { index = text.index(after: begin) }
                    start = nil
                    inString = false
                    continue
                }
            }
            index = text.index(after: index)
        }
        return spans
    }
}

extension Substring {
    func trimmingJSONWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
