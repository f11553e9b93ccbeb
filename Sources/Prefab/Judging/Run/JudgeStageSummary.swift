/// What `prefab judge` did: counts, the prompts that failed and why, and the ensemble's
/// reliability figures over the whole run (written as `judge-report.json` beside the shards).
public struct JudgeStageSummary: Codable, Hashable, Sendable {
    public struct Failure: Codable, Hashable, Sendable {
        public var promptID: String
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case promptID = "prompt_id"
            case reason
        }
    }

    public var ensemble: String
    public var samples: String
    public var output: String
    public var prompts: Int
    public var rated: Int
    public var failures: [Failure]
    public var agreement: AgreementFigures
}
