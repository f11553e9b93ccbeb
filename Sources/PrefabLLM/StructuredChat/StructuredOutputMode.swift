/// Whether a caller asks for a JSON schema (`response_format: json_schema`): an LLM judge's
/// `structured_output` key.
public enum StructuredOutputMode: String, Codable, Hashable, Sendable, CaseIterable {
    /// Send the schema; if the endpoint rejects it (HTTP 400/422), ask without and parse free text.
    case auto
    /// Always send the schema.
    case jsonSchema = "json_schema"
    /// Never send it; rely on the tolerant free-text parser.
    case none
}

/// Remembers whether an endpoint refused `response_format: json_schema`, so a caller in `auto`
/// mode asks with the schema until a refusal and without it from then on (one refusal, not one
/// per request).
actor SchemaSupport {
    private(set) var isRefused = false

    func markRefused() { isRefused = true }
}
