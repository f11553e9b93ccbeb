import Foundation

/// A JSON value as a judge wrote it, read without a fixed shape so parsers can look keys up
/// tolerantly ("Rating", "rating", "overall_score", "Overall Score" are the same key here).
enum LooseJSON: Decodable, Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([LooseJSON])
    case object([String: LooseJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([LooseJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: LooseJSON].self))
        }
    }

    /// Parses `text` as one JSON value, or nil.
    static func parse(_ text: Substring) -> LooseJSON? {
        try? JSONDecoder().decode(LooseJSON.self, from: Data(text.utf8))
    }

    /// The value under the first of `keys` present, comparing keys without case, spaces,
    /// underscores or hyphens.
    func value(forAnyOf keys: [String]) -> LooseJSON? {
        guard case .object(let object) = self else { return nil }
        let normalized = Dictionary(
            object.map { (LooseJSON.normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first }
        )
        for key in keys {
            if let value = normalized[LooseJSON.normalize(key)] { return value }
        }
        return nil
    }

    /// The value as text: strings as they are, numbers without a trailing ".0".
    var text: String? {
        switch self {
        case .string(let value): value
        case .number(let value): RatingValue.score(value).description
        case .bool(let value): String(value)
        default: nil
        }
    }

    /// A list of labels: an array of strings or numbers, or one comma-separated string.
    var labels: [String]? {
        switch self {
        case .array(let items): items.compactMap(\.text)
        case .string(let value): FreeTextParser.labels(in: value)
        case .number: text.map { [$0] }
        default: nil
        }
    }

    static func normalize(_ key: String) -> String {
        key.lowercased().filter { $0.isLetter || $0.isNumber }
    }
}
