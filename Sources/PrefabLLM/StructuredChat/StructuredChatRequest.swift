import Foundation

/// One call whose answer must be JSON following a schema: a system and a user message, the
/// schema, and the seed to sample with. Callers that retry change the seed, so a model that
/// answered badly once is not asked the identical question again.
public struct StructuredChatRequest: Sendable, Hashable {
    /// Which step of the caller's work this call is (the cluster agent's `cluster`, say), for
    /// logs, caches and fakes. Callers declare their own as static members.
    public struct Purpose: RawRepresentable, Sendable, Hashable, Codable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
    }

    public var purpose: Purpose
    public var system: String?
    public var user: String
    /// Name for the schema (OpenAI's `response_format.json_schema.name`): letters, digits, `_`.
    public var schemaName: String
    /// The JSON Schema as UTF-8 JSON with sorted keys, so equal requests are equal bytes.
    public var schema: Data
    public var seed: Int

    public init(purpose: Purpose, system: String?, user: String, schemaName: String, schema: Data, seed: Int) {
        self.purpose = purpose
        self.system = system
        self.user = user
        self.schemaName = schemaName
        self.schema = schema
        self.seed = seed
    }
}
