/// One value in an output row. Kept to the few types training formats use, so every column has
/// one fixed encoding (strings `str`, numbers `float64`, message lists and labels `json`).
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
}
