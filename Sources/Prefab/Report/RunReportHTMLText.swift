import Foundation

/// Text helpers for the report page: escaping (every text that reaches the page, model answers
/// and judge reasons included, goes through `escape`) and number formatting.
enum RunReportHTMLText {
    /// Escapes the five characters that matter in HTML text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A figure with a fixed number of decimals, "–" for none.
    static func number(_ value: Double?, digits: Int = 3) -> String {
        guard let value else { return "–" }
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.\(digits)f", value)
    }

    /// A count with thousands separators ("12,345"), "–" for none.
    static func count(_ value: Int?) -> String {
        guard let value else { return "–" }
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// A share as a percentage with one decimal.
    static func percent(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.1f%%", value * 100)
    }
}
