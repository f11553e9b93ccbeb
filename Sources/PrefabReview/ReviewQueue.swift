/// Which items the queue lists.
package struct ReviewQueueFilter: Hashable, Sendable {
    package enum Status: String, Sendable, CaseIterable {
        case all, unreviewed, reviewed, conflicts
    }

    package var model: String?
    package var source: String?
    package var aspect: String?
    /// An uncertainty reason (`disagreement`, `order`, `close`, `failed`) or a completion flag.
    package var flag: String?
    package var status: Status

    package init(model: String? = nil, source: String? = nil, aspect: String? = nil, flag: String? = nil, status: Status = .all) {
        self.model = model
        self.source = source
        self.aspect = aspect
        self.flag = flag
        self.status = status
    }
}

/// One line of the queue.
package struct ReviewQueueEntry: Codable, Hashable, Sendable {
    package var ordinal: Int
    package var promptID: String
    package var source: String
    package var models: [String]
    package var flags: [String]
    package var completions: Int
    package var uncertainty: Double
    /// The start of the last user turn.
    package var preview: String
    /// How many reviewers have a standing label on it.
    package var reviewers: Int

    enum CodingKeys: String, CodingKey {
        case ordinal, source, models, flags, completions, uncertainty, preview, reviewers
        case promptID = "prompt_id"
    }
}

package struct ReviewQueuePage: Codable, Hashable, Sendable {
    /// Items that match the filter.
    package var total: Int
    package var offset: Int
    package var entries: [ReviewQueueEntry]
}

package struct ReviewFacet: Codable, Hashable, Sendable {
    package var value: String
    package var count: Int
}
