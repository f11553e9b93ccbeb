/// Which items the queue lists.
public struct ReviewQueueFilter: Hashable, Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case all, unreviewed, reviewed, conflicts
    }

    public var model: String?
    public var source: String?
    public var aspect: String?
    /// An uncertainty reason (`disagreement`, `order`, `close`, `failed`) or a completion flag.
    public var flag: String?
    public var status: Status

    public init(model: String? = nil, source: String? = nil, aspect: String? = nil, flag: String? = nil, status: Status = .all) {
        self.model = model
        self.source = source
        self.aspect = aspect
        self.flag = flag
        self.status = status
    }
}

/// One line of the queue.
public struct ReviewQueueEntry: Codable, Hashable, Sendable {
    public var ordinal: Int
    public var promptID: String
    public var source: String
    public var models: [String]
    public var flags: [String]
    public var completions: Int
    public var uncertainty: Double
    /// The start of the last user turn.
    public var preview: String
    /// How many reviewers have a standing label on it.
    public var reviewers: Int

    enum CodingKeys: String, CodingKey {
        case ordinal, source, models, flags, completions, uncertainty, preview, reviewers
        case promptID = "prompt_id"
    }
}

public struct ReviewQueuePage: Codable, Hashable, Sendable {
    /// Items that match the filter.
    public var total: Int
    public var offset: Int
    public var entries: [ReviewQueueEntry]
}

public struct ReviewFacet: Codable, Hashable, Sendable {
    public var value: String
    public var count: Int
}
