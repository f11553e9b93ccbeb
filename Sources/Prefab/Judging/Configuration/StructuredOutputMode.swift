/// Whether an LLM judge asks for a JSON schema (`response_format: json_schema`).
public enum StructuredOutputMode: String, Codable, Hashable, Sendable, CaseIterable {
    /// Send the schema; if the endpoint rejects it (HTTP 400/422), ask without and parse free text.
    case auto
    /// Always send the schema.
    case jsonSchema = "json_schema"
    /// Never send it; rely on the tolerant free-text parser.
    case none
}
