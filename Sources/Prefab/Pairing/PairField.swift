/// One value in an output row. Kept to the few types training formats use, so every column has
/// one fixed encoding (strings `str`, numbers `float64`, message lists and labels `json`).
import PrefabShards

public enum PairField: Hashable, Sendable, Encodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case messages([ChatMessage])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .messages(let value): try container.encode(value)
        }
    }

    /// What a field holds, which fixes its column's encoding.
    public enum Kind: Hashable, Sendable {
        case string, number, bool, messages

        /// MDS has no boolean encoding; a JSON `true`/`false` reads back as a Python bool.
        public var mdsEncoding: MDSEncoding {
            switch self {
            case .string: .str
            case .number: .float64
            case .bool, .messages: .json
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .string: .string
        case .number: .number
        case .bool: .bool
        case .messages: .messages
        }
    }
}
