/// One consolidated criterion the cluster agent compares documents by: a descriptive attribute
/// (a category or quality a document has) or a metric (scored 1–5), summarized in one sentence.
public struct ClusterAgentCriterion: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case attribute
        case metric
    }

    public let name: String
    public let kind: Kind
    public let summary: String
}
