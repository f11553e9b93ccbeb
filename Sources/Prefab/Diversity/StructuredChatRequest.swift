import Foundation

/// One call of the cluster agent: a system and a user message, the JSON schema the answer must
/// follow, and the seed to sample with. Retries of a round change the seed, so a model that
/// answered badly once is not asked the identical question again.
public struct StructuredChatRequest: Sendable, Hashable {
    /// Which step of the cluster agent this call is, for logs, caches and fakes.
    public enum Purpose: String, Sendable, Hashable, Codable {
        case proposeCriteria = "propose_criteria"
        case mergeCriteria = "merge_criteria"
        case cluster
        case verifyClusters = "verify_clusters"
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
