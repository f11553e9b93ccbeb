import PrefabShards

/// A response body that parsed as JSON but does not say what the API promises.
struct WireError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension JSONValue {
    /// A text field of an answer: absent or `null` is nil, a string is itself, and anything else
    /// is an answer that does not say what the API promises. Read as empty, it would become a
    /// sample nobody can tell from a model that said nothing.
    func wireText(_ key: String, at path: @autoclosure () -> String) throws -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw WireError("field '\(path())' is \(other.wireKind), not text")
        }
    }

    private var wireKind: String {
        switch self {
        case .null: "null"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        case .bool: "a boolean"
        default: "a number"
        }
    }
}
