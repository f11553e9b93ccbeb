import Foundation

/// Just enough XML for S3's answers: they are flat documents of known elements, so a scan for
/// `<Name>value</Name>` (and for repeated blocks such as `<Contents>…</Contents>`) reads them
/// without an XML library. Values are unescaped for the five predefined entities.
enum S3XML {
    /// The text of the first `<name>` element, unescaped.
    static func value(_ name: String, in text: Substring) -> String? {
        guard let open = text.range(of: "<\(name)>") else { return nil }
        guard let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return unescape(text[open.upperBound..<close.lowerBound])
    }

    static func value(_ name: String, in data: Data) -> String? {
        value(name, in: Substring(String(decoding: data, as: UTF8.self)))
    }

    /// The inner text of every `<name>…</name>` block, in order.
    static func blocks(_ name: String, in text: Substring) -> [Substring] {
        var result: [Substring] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)>"),
            let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex)
        {
            result.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return result
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }

    static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        return text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#13;", with: "\r")
            .replacingOccurrences(of: "&#10;", with: "\n")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
