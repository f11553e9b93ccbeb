/// What the response cache has done since it was opened.
public struct CacheStatistics: Sendable, Hashable, Codable {
    /// Lookups answered from the cache.
    public var hits: Int = 0
    /// Lookups that found nothing (the caller then made a call).
    public var misses: Int = 0
    /// Responses committed to the database.
    public var writes: Int = 0
    /// Transactions that committed them.
    public var commits: Int = 0
    /// Responses stored but not yet committed.
    public var pending: Int = 0
    /// Commits that failed (their rows are kept and tried again).
    public var writeErrors: Int = 0

    /// hits / (hits + misses); 0 before any lookup.
    public var hitRate: Double {
        hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses)
    }

    enum CodingKeys: String, CodingKey {
        case hits, misses, writes, commits, pending
        case writeErrors = "write_errors"
    }
}
