import PrefabShards

/// Reading a judge's JSON tolerantly: judges name their keys loosely ("Rating", "rating",
/// "overall_score", "Overall Score" are one key here) and write numbers as text, so the answer
/// parsers look values up through these rather than by exact key and type.
extension JSONValue {
    /// The value under the first of `keys` present, comparing keys without case, spaces,
    /// underscores or hyphens; among keys that compare equal, the first in the answer.
    func value(forAnyOf keys: [String]) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        var normalized: [String: JSONValue] = [:]
        for (key, value) in object where normalized[Self.normalize(key)] == nil { normalized[Self.normalize(key)] = value }
        for key in keys {
            if let value = normalized[Self.normalize(key)] { return value }
        }
        return nil
    }

    /// The value as text: strings as they are, numbers without a trailing ".0".
    var text: String? {
        switch self {
        case .string(let value): value
        case .int, .double: doubleValue.map { RatingValue.score($0).description }
        case .bool(let value): String(value)
        default: nil
        }
    }

    /// A list of labels: an array of strings or numbers, or one comma-separated string.
    var labels: [String]? {
        switch self {
        case .array(let items): items.compactMap(\.text)
        case .string(let value): FreeTextParser.labels(in: value)
        case .int, .double: text.map { [$0] }
        default: nil
        }
    }

    static func normalize(_ key: String) -> String {
        key.lowercased().filter { $0.isLetter || $0.isNumber }
    }
}
