import Foundation

/// Format checks for prompts that ask for JSON or for code.
package enum FormatChecker {
    /// What format a prompt asks for: `metadata.format` (`json` or `code`) when given, else a
    /// conservative reading of the instruction ("reply in JSON", "write a Python function").
    package static func requestedFormat(_ input: SampleRecord) -> FormatScorerConfiguration.Check? {
        if case .string(let format)? = input.metadataObject["format"] {
            switch format.lowercased() {
            case "json": return .json
            case "code": return .codeBlock
            default: return nil
            }
        }
        let text = input.instruction
        let json = /(?i)\b(?:(?:in|as|with|return|output|respond(?:\s+only)?\s+(?:in|with)|reply(?:\s+only)?\s+(?:in|with))\s+(?:a\s+|an\s+|the\s+|valid\s+)*JSON\b|JSON\s+(?:object|array|only|format)\b)/
        if text.contains(json) { return .json }
        let code = /(?i)\b(?:write|implement|give\s+me|show\s+me|provide|create)\s+(?:a|an|the|some)?\s*(?:\w+\s+){0,2}(?:function|program|script|class|method|snippet|code|query|regex|regular expression)\b/
        if text.contains(code) { return .codeBlock }
        return nil
    }

    /// True when the response, or its only fenced block, parses as JSON.
    package static func isValidJSON(_ response: String) -> Bool {
        let trimmed = response.trimmingCharacters(in: .whitespacesAndNewlines)
        if parses(trimmed) { return true }
        let blocks = EmbeddedJSON.fencedBlocks(in: response)
        return blocks.count == 1 && parses(blocks[0].trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// True when the response has a closed, non-empty fenced code block.
    package static func hasCodeBlock(_ response: String) -> Bool {
        response.contains(/(?s)```[^\n`]*\n.*?\S.*?```/)
    }

    private static func parses(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
            && (text.first == "{" || text.first == "[")
    }
}
