import Foundation
import GRDB
import Logging

/// Every model response Prefab has received, in SQLite, so a re-run or a resumed run pays for
/// nothing twice.
///
/// The database is in WAL mode. Stores are buffered and committed by a writer task in batches
/// (every `flushInterval`, or sooner once `batchSize` rows wait), one transaction each: a killed
/// process (even `kill -9`) leaves every committed batch intact and loses at most the last
/// interval's rows, which a resumed run simply asks for again. Buffered rows are visible to
/// lookups at once. Call `close()` at the end of a run to commit the last batch.
public final class ResponseCache: Sendable {
    /// A stored response.
    public struct Entry: Sendable, Hashable {
        /// `chat` or `embedding`.
        public var kind: String
        public var model: String
        /// The response as JSON (a `ChatResponse` or an `EmbeddingResponse`).
        public var payload: Data
        public var usage: TokenUsage
        public var latency: Double
    }

    private struct State {
        var pending: [String: Entry] = [:]
        /// Rows taken by a commit in progress, still visible to lookups.
        var committing: [String: Entry] = [:]
        var statistics = CacheStatistics()
        var flushTask: Task<Void, Never>?
        var closed = false
        var lastError: String?
    }

    public let path: String
    public let batchSize: Int
    public let flushInterval: Duration
    private let pool: DatabasePool
    private let state = Locked(State())
    private let logger: Logger

    /// Opens (creating if needed) the cache database at `path`.
    public init(
        path: String,
        flushInterval: Duration = .milliseconds(100),
        batchSize: Int = 512,
        logger: Logger = Logger(label: "prefab.cache")
    ) throws(ResponseCacheError) {
        self.path = path
        self.flushInterval = flushInterval
        self.batchSize = max(1, batchSize)
        self.logger = logger
        do {
            pool = try Self.open(path)
        } catch {
            throw .open(path: path, reason: "\(error)")
        }

        let interval = flushInterval
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                await self.commitPending()
            }
        }
        state.withLock { $0.flushTask = task }
    }

    private static func open(_ path: String) throws -> DatabasePool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL loses no committed transaction when the process dies; only a
            // power cut can take the last ones.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("responses-v1") { db in
            try db.execute(sql: """
                CREATE TABLE responses (
                    key TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    model TEXT NOT NULL,
                    response BLOB NOT NULL,
                    prompt_tokens INTEGER NOT NULL,
                    completion_tokens INTEGER NOT NULL,
                    latency REAL NOT NULL,
                    created_at REAL NOT NULL
                ) WITHOUT ROWID
                """)
        }
        try migrator.migrate(pool)
        return pool
    }

    deinit {
        state.withLock { $0.flushTask?.cancel() }
    }

    /// The stored entry for `key`, counting a hit or a miss.
    public func lookup(_ key: String) async throws -> Entry? {
        if let buffered = state.withLock({ state -> Entry? in
            let entry = state.pending[key] ?? state.committing[key]
            if entry != nil { state.statistics.hits += 1 }
            return entry
        }) {
            return buffered
        }
        let entry = try await pool.read { db -> Entry? in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT kind, model, response, prompt_tokens, completion_tokens, latency FROM responses WHERE key = ?"),
                arguments: [key])
            else { return nil }
            return Entry(
                kind: row[0], model: row[1], payload: row[2],
                usage: TokenUsage(promptTokens: row[3], completionTokens: row[4]), latency: row[5])
        }
        state.withLock { state in
            if entry != nil { state.statistics.hits += 1 } else { state.statistics.misses += 1 }
        }
        return entry
    }

    /// Buffers an entry for the next commit.
    public func store(_ key: String, _ entry: Entry) {
        let full = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.pending[key] = entry
            return state.pending.count == batchSize
        }
        if full {
            Task { await self.commitPending() }
        }
    }

    /// Commits everything buffered so far, waiting for commits already under way.
    public func flush() async throws(ResponseCacheError) {
        await commitPending()
        while state.withLock({ !$0.committing.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(2))
        }
        let failure = state.withLock { state -> String? in
            state.pending.isEmpty ? nil : state.lastError
        }
        if let failure { throw .commit(path: path, reason: failure) }
    }

    /// Commits what is buffered and stops the writer task. Later stores are ignored.
    public func close() async throws(ResponseCacheError) {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.closed = true
            return state.flushTask
        }
        task?.cancel()
        try await flush()
    }

    public var statistics: CacheStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.pending = state.pending.count + state.committing.count
            return statistics
        }
    }

    /// Rows committed to the database.
    public func count() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM responses") ?? 0 }
    }

    private func commitPending() async {
        let batch = state.withLock { state -> [String: Entry] in
            let batch = state.pending
            state.pending.removeAll(keepingCapacity: true)
            state.committing.merge(batch) { _, new in new }
            return batch
        }
        guard !batch.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        do {
            try await pool.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO responses
                        (key, kind, model, response, prompt_tokens, completion_tokens, latency, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for (key, entry) in batch {
                    try statement.execute(arguments: [
                        key, entry.kind, entry.model, entry.payload,
                        entry.usage.promptTokens, entry.usage.completionTokens, entry.latency, now,
                    ])
                }
            }
            state.withLock { state in
                for key in batch.keys { state.committing.removeValue(forKey: key) }
                state.statistics.writes += batch.count
                state.statistics.commits += 1
            }
        } catch {
            logger.error("response cache commit failed; rows kept for the next attempt", metadata: [
                "path": "\(path)", "rows": "\(batch.count)", "error": "\(error)",
            ])
            state.withLock { state in
                for (key, entry) in batch {
                    state.committing.removeValue(forKey: key)
                    if state.pending[key] == nil { state.pending[key] = entry }
                }
                state.statistics.writeErrors += 1
                state.lastError = "\(error)"
            }
        }
    }
}
