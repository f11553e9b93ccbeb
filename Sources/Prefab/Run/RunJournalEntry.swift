/// What the journal knows about one prompt of a run: finished (with the lines written for it)
/// or failed (with why).
package struct RunJournalEntry: Sendable, Hashable {
    package enum Status: String, Sendable {
        case done, failed
    }

    /// The prompt's position among the input's valid, distinct prompts: the order of the output.
    package var ordinal: Int
    package var promptID: String
    package var status: Status
    /// The samples and rated records as written to the shards (one JSON line each); nil when failed.
    package var sample: [UInt8]?
    package var rated: [UInt8]?
    package var failures: [RunFailure]
    /// Sessions that have tried the prompt.
    package var attempts: Int
    /// The shard files holding the prompt's records, relative to the output directory: its
    /// sample and rated record and its pairs, in each copy (JSONL.zst and MDS). Empty when failed.
    package var shards: [String]

    package init(
        ordinal: Int, promptID: String, status: Status, sample: [UInt8]? = nil, rated: [UInt8]? = nil,
        failures: [RunFailure] = [], attempts: Int = 1, shards: [String] = []
    ) {
        self.ordinal = ordinal
        self.promptID = promptID
        self.status = status
        self.sample = sample
        self.rated = rated
        self.failures = failures
        self.attempts = attempts
        self.shards = shards
    }
}
