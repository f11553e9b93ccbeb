/// How many pool models answer each prompt: `all` of them, or `k` drawn by weight without
/// replacement. Written `select: 4` or `select: all`.
public enum ModelSelection: Codable, Hashable, Sendable {
    case all
    case count(Int)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let k = try? container.decode(Int.self) {
            guard k >= 1 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "select must be at least 1, not \(k)")
            }
            self = .count(k)
        } else if let word = try? container.decode(String.self), word == "all" {
            self = .all
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a number of models (e.g. 4) or 'all'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .all: try container.encode("all")
        case .count(let k): try container.encode(k)
        }
    }
}
