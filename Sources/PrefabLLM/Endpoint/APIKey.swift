/// An API key read from the environment.
///
/// It prints as `<redacted>` however it is interpolated, is not Codable, and `scrub` removes it
/// from any text that came back from a server (some echo the key in error messages).
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// `text` with every occurrence of the key (and of its long prefixes, which providers print
    /// as `sk-abc...`) replaced by `<redacted>`.
    func scrub(_ text: String) -> String {
        guard !value.isEmpty else { return text }
        var result = text.replacingOccurrences(of: value, with: "<redacted>")
        // A prefix of 8+ characters identifies the key well enough to count as a leak.
        if value.count >= 12 {
            var length = value.count - 1
            while length >= 8 {
                let prefix = String(value.prefix(length))
                if result.contains(prefix) {
                    result = result.replacingOccurrences(of: prefix, with: "<redacted>")
                }
                length -= 1
            }
        }
        return result
    }
}
