/// What the response cache has done since it was opened.
public struct CacheStatistics: Sendable, Hashable, Codable {
    /// Lookups answered from the cache.
    public var hits: Int
    /// Lookups that found nothing (the caller then made a call).
    public var misses: Int
    /// Responses committed to the database.
    public var writes: Int
    /// Transactions that committed them.
    public var commits: Int
    /// Responses stored but not yet committed.
    public var pending: Int
    /// Commits that failed (their rows are kept and tried again).
    public var writeErrors: Int

    public init(hits: Int = 0, misses: Int = 0, writes: Int = 0, commits: Int = 0, pending: Int = 0, writeErrors: Int = 0) {
        self.hits = hits
        self.misses = misses
        self.writes = writes
        self.commits = commits
        self.pending = pending
        self.writeErrors = writeErrors
    }

    /// hits / (hits + misses); 0 before any lookup.
    public var hitRate: Double {
        hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses)
    }

    enum CodingKeys: String, CodingKey {
        case hits, misses, writes, commits, pending
        case writeErrors = "write_errors"
    }
}
