/// One MDS column: a name and how its values are encoded.
public struct MDSColumn: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var encoding: MDSEncoding

    public init(name: String, encoding: MDSEncoding) {
        self.name = name
        self.encoding = encoding
    }

    /// `name:encoding`.
    public var description: String { "\(name):\(encoding)" }

    /// Parses `name:encoding,name:encoding,…` (the `--columns` option).
    public static func parseList(_ text: String) throws(ShardError) -> [MDSColumn] {
        var columns: [MDSColumn] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let piece = part.trimmingCharacters(in: .whitespaces)
            guard let colon = piece.lastIndex(of: ":"), colon != piece.startIndex else {
                throw .invalidArgument("column '\(piece)' must be written name:encoding")
            }
            let name = String(piece[..<colon])
            let encoding = try MDSEncoding.parse(String(piece[piece.index(after: colon)...]))
            guard !columns.contains(where: { $0.name == name }) else {
                throw .invalidArgument("column '\(name)' is listed twice")
            }
            columns.append(MDSColumn(name: name, encoding: encoding))
        }
        guard !columns.isEmpty else { throw .invalidArgument("no columns given") }
        return columns
    }

    /// The encoding Prefab infers for a value: strings `str`, integers `int64`, other numbers
    /// `float64`, anything else (objects, arrays, booleans, null) `json`.
    public static func inferredEncoding(for value: JSONValue) -> MDSEncoding {
        switch value {
        case .string: .str
        case .int: .int64
        case .double: .float64
        default: .json
        }
    }

    /// Columns for a record's top-level keys (see `inferredEncoding(for:)`).
    public static func inferred(from record: JSONObject) -> [MDSColumn] {
        record.map { MDSColumn(name: $0.key, encoding: inferredEncoding(for: $0.value)) }
    }
}

import Foundation
