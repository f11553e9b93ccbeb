import PrefabShards

/// The shape the answer must take.
public enum ResponseFormat: Codable, Sendable, Hashable {
    /// Free text (the default).
    case text
    /// Any JSON object (`{"type": "json_object"}`).
    case jsonObject
    /// JSON valid for a schema (`{"type": "json_schema", "json_schema": {...}}`).
    case jsonSchema(name: String, schema: JSONValue, strict: Bool)

    private enum CodingKeys: String, CodingKey {
        case type, name, schema, strict
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text
        case "json_object":
            self = .jsonObject
        case "json_schema":
            self = .jsonSchema(
                name: try container.decodeIfPresent(String.self, forKey: .name) ?? "response",
                schema: try container.decode(JSONValue.self, forKey: .schema),
                strict: try container.decodeIfPresent(Bool.self, forKey: .strict) ?? true)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown response format '\(type)' (expected text, json_object or json_schema)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text:
            try container.encode("text", forKey: .type)
        case .jsonObject:
            try container.encode("json_object", forKey: .type)
        case .jsonSchema(let name, let schema, let strict):
            try container.encode("json_schema", forKey: .type)
            try container.encode(name, forKey: .name)
            try container.encode(schema, forKey: .schema)
            try container.encode(strict, forKey: .strict)
        }
    }
}
