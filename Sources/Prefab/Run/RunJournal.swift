import Foundation
import GRDB

/// The run journal: which prompts of a run are finished (with the records written for them)
/// and which failed (with why), plus what each session spent. SQLite, beside the response cache,
/// one database per output directory (per partition of it, for a partitioned run), or where
/// `journal:` / `--journal` puts it. WAL mode on local disks; on a network filesystem (NFS,
/// Lustre: where a requeued Slurm task finds its journal from another node) a rollback
/// journal, since WAL's shared-memory index does not work there (`FileSystemKind`).
///
/// The pipeline commits finished prompts in small transactions as they complete. A prompt
/// counts as done only once its row is committed, so after `kill -9` at any moment the next
/// session finds every committed prompt here, writes its records into the new shards as they
/// were, and asks only for the rest (whose answered calls the response cache still has). The
/// output of a resumed run is therefore the same as an uninterrupted one: same prompts, same
/// order, same bytes.
///
/// Records are kept zstd-compressed. The journal holds a lock file for as long as it is open,
/// so two processes never run the same run at once.
package final class RunJournal: Sendable {
    package let path: String
    /// The database; `RunJournal+Batches` keeps the run's batches in it too.
    let queue: DatabaseQueue
    private let lock: Int32
    /// One compression context for every record (`commit` runs on one task at a time).
    private let compressor = Locked(ZstdBlob())
    /// This session's row in `sessions` (`RunJournal+Batches` writes its spending too).
    let session: Int64
    /// What earlier sessions of this run spent (per endpoint and model), for the run's budget.
    package let earlierUsage: [UsageRecord]
    /// Seconds earlier sessions ran.
    package let earlierSeconds: Double

    /// Opens (or creates) the journal at `path` for a run with `identity` (`RunSetup.identity`)
    /// made of `parts` (`RunSetup.identityParts`, kept so that a changed identity can be
    /// explained by the parts that changed). `fresh` deletes whatever was journaled before.
    /// The filesystem the journal is on decides its SQLite journal mode; `fileSystem` overrides
    /// the detection (tests: no network filesystem can be mounted here).
    package let fileSystem: FileSystemKind

    package init(
        path: String, identity: String, parts: [String: String] = [:], fresh: Bool = false, fileSystem: FileSystemKind? = nil
    ) throws(RunError) {
        self.path = path
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .journal(path: path, reason: "cannot create its directory: \(error.localizedDescription)")
        }
        let fileSystem = fileSystem ?? FileSystemKind.of(path)
        self.fileSystem = fileSystem
        do {
            lock = try ExclusiveFileLock.take(beside: path)
        } catch {
            switch error {
            case .busy: throw .journalBusy(path: path)
            case .unusable(let reason): throw .journal(path: path, reason: reason)
            }
        }
        do {
            if fresh {
                for suffix in ["", "-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: path + suffix) }
            }
            var configuration = Configuration()
            let mode = fileSystem.sqliteJournalMode
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = \(mode)")
                // WAL with NORMAL keeps every committed transaction when the process dies; a
                // rollback journal needs FULL for the same.
                try db.execute(sql: mode == "WAL" ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL")
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("journal-v1") { db in
                try db.execute(sql: """
                    CREATE TABLE run (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE prompts (
                        ordinal INTEGER PRIMARY KEY NOT NULL,
                        prompt_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        sample BLOB,
                        rated BLOB,
                        failures TEXT,
                        attempts INTEGER NOT NULL,
                        session INTEGER NOT NULL
                    );
                    CREATE INDEX prompts_status ON prompts(status);
                    CREATE TABLE sessions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        started_at REAL NOT NULL,
                        seconds REAL NOT NULL DEFAULT 0,
                        outcome TEXT,
                        usage TEXT NOT NULL DEFAULT '[]'
                    );
                    """)
            }
            migrator.registerMigration("journal-v2: shards") { db in
                // JSON array of the shard files (relative to the output) holding a prompt's records.
                try db.execute(sql: "ALTER TABLE prompts ADD COLUMN shards TEXT")
            }
            Self.registerBatchMigration(&migrator)
            Self.registerUploadMigration(&migrator)
            try migrator.migrate(queue)
            let started = Date().timeIntervalSince1970
            let partsJSON = String(decoding: (try? StageShards.encoder().encode(parts)) ?? Data(), as: UTF8.self)
            let opened = try queue.write { db -> (stored: String?, storedParts: String?, session: Int64, usage: [String], seconds: Double) in
                let stored = try String.fetchOne(db, sql: "SELECT value FROM run WHERE key = 'identity'")
                let storedParts = try String.fetchOne(db, sql: "SELECT value FROM run WHERE key = 'identity_parts'")
                if stored == nil {
                    try db.execute(sql: "INSERT INTO run (key, value) VALUES ('identity', ?)", arguments: [identity])
                    try db.execute(sql: "INSERT INTO run (key, value) VALUES ('identity_parts', ?)", arguments: [partsJSON])
                }
                let usage = try String.fetchAll(db, sql: "SELECT usage FROM sessions")
                let seconds = try Double.fetchOne(db, sql: "SELECT COALESCE(SUM(seconds), 0) FROM sessions") ?? 0
                try db.execute(sql: "INSERT INTO sessions (started_at) VALUES (?)", arguments: [started])
                return (stored, storedParts, db.lastInsertedRowID, usage, seconds)
            }
            if let stored = opened.stored, stored != identity {
                let before = opened.storedParts.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
                throw RunError.configChanged(journal: path, changed: before.map { Self.changedParts(before: $0, now: parts) } ?? [])
            }
            session = opened.session
            earlierSeconds = opened.seconds
            earlierUsage = Self.merge(opened.usage.flatMap { (try? JSONDecoder().decode([UsageRecord].self, from: Data($0.utf8))) ?? [] })
        } catch let error as RunError {
            close(lock)
            throw error
        } catch {
            close(lock)
            throw .journal(path: path, reason: "\(error)")
        }
    }

    /// The names of the parts that differ between a journal's identity and the config's now:
    /// changed, added or removed files, or the sampling settings. Sorted.
    static func changedParts(before: [String: String], now: [String: String]) -> [String] {
        Set(before.keys).union(now.keys).filter { before[$0] != now[$0] }.sorted()
    }

    /// The ordinals the journal at `path` has finished, without opening a session or taking
    /// the lock (for `--dry-run`); empty when there is no journal, nil when it belongs to a run
    /// with another identity.
    package static func finishedOrdinals(path: String, identity: String) throws(RunError) -> Set<Int>? {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db -> Set<Int>? in
                guard try String.fetchOne(db, sql: "SELECT value FROM run WHERE key = 'identity'") == identity else { return nil }
                return Set(try Int.fetchAll(db, sql: "SELECT ordinal FROM prompts WHERE status = 'done'"))
            }
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    deinit {
        close(lock)
    }

    /// The journal's entry for the prompt at `ordinal`, if any.
    package func entry(ordinal: Int) throws(RunError) -> RunJournalEntry? {
        do {
            return try queue.read { db -> RunJournalEntry? in
                guard let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT prompt_id, status, sample, rated, failures, attempts, shards FROM prompts WHERE ordinal = ?"),
                    arguments: [ordinal])
                else { return nil }
                return try Self.entry(ordinal: ordinal, row: row)
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    /// Commits finished and failed prompts, new shard files for prompts finished earlier (moved
    /// by a retried prompt before them or a new `shard_size`), and this session's spending and
    /// seconds so far, in one transaction.
    package func commit(
        _ entries: [RunJournalEntry], moved: [(ordinal: Int, shards: [String])] = [], usage: [UsageRecord], seconds: Double
    ) throws(RunError) {
        do {
            let usageJSON = String(decoding: try JSONEncoder().encode(usage), as: UTF8.self)
            let failureEncoder = JSONEncoder()
            let shardsEncoder = JSONEncoder()
            shardsEncoder.outputFormatting = .withoutEscapingSlashes
            func shardsJSON(_ shards: [String]) throws -> String? {
                shards.isEmpty ? nil : String(decoding: try shardsEncoder.encode(shards), as: UTF8.self)
            }
            let compressed = compressor.withLock { blob in
                entries.map { entry in (entry.sample.map { Data(blob.compress($0)) }, entry.rated.map { Data(blob.compress($0)) }) }
            }
            try queue.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO prompts (ordinal, prompt_id, status, sample, rated, failures, attempts, session, shards)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(ordinal) DO UPDATE SET
                        prompt_id = excluded.prompt_id, status = excluded.status, sample = excluded.sample,
                        rated = excluded.rated, failures = excluded.failures, attempts = prompts.attempts + 1,
                        session = excluded.session, shards = excluded.shards
                    """)
                for (entry, (sample, rated)) in zip(entries, compressed) {
                    let failures = entry.failures.isEmpty ? nil : String(decoding: try failureEncoder.encode(entry.failures), as: UTF8.self)
                    try statement.execute(arguments: [
                        entry.ordinal, entry.promptID, entry.status.rawValue,
                        sample, rated,
                        failures, 1, session, try shardsJSON(entry.shards),
                    ])
                }
                let move = try db.cachedStatement(sql: "UPDATE prompts SET shards = ? WHERE ordinal = ?")
                for (ordinal, shards) in moved {
                    try move.execute(arguments: [try shardsJSON(shards), ordinal])
                }
                try db.execute(
                    sql: "UPDATE sessions SET usage = ?, seconds = ? WHERE id = ?", arguments: [usageJSON, seconds, session])
            }
        } catch {
            throw .journal(path: path, reason: "cannot commit: \(error)")
        }
    }

    /// Records how this session ended (`complete`, `failures`, `budget`, `interrupted`).
    package func endSession(outcome: String, usage: [UsageRecord], seconds: Double) throws(RunError) {
        try commit([], usage: usage, seconds: seconds)
        do {
            try queue.write { db in
                try db.execute(sql: "UPDATE sessions SET outcome = ? WHERE id = ?", arguments: [outcome, session])
            }
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    /// Prompts done and failed.
    package func counts() throws(RunError) -> (done: Int, failed: Int) {
        do {
            return try queue.read { db in
                let done = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prompts WHERE status = 'done'") ?? 0
                let failed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prompts WHERE status = 'failed'") ?? 0
                return (done, failed)
            }
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    /// SQLite's `journal_mode` as the database reports it (`wal`, `delete`).
    package func sqliteJournalMode() throws(RunError) -> String {
        do {
            return try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    /// Every failed prompt, in input order, one at a time.
    package func forEachFailure(_ body: (RunJournalEntry) throws -> Void) throws(RunError) {
        do {
            try queue.read { db in
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT ordinal, prompt_id, status, NULL, NULL, failures, attempts, shards FROM prompts WHERE status = 'failed' ORDER BY ordinal")
                while let row = try rows.next() {
                    try body(try Self.entry(ordinal: row[0], row: row, offset: 1))
                }
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    private static func entry(ordinal: Int, row: Row, offset: Int = 0) throws -> RunJournalEntry {
        guard let status = RunJournalEntry.Status(rawValue: row[offset + 1]) else {
            throw RunError.journal(path: "", reason: "unknown status '\(String(describing: row[offset + 1] as String?))' for prompt \(ordinal)")
        }
        func blob(_ index: Int) throws -> [UInt8]? {
            guard let data = row[offset + index] as Data? else { return nil }
            guard let bytes = ZstdBlob.decompress([UInt8](data)) else {
                throw RunError.journal(path: "", reason: "damaged record for prompt \(ordinal + 1); run with --fresh")
            }
            return bytes
        }
        let failures = (row[offset + 4] as String?).flatMap { try? JSONDecoder().decode([RunFailure].self, from: Data($0.utf8)) } ?? []
        let shards = (row[offset + 6] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        return RunJournalEntry(
            ordinal: ordinal, promptID: row[offset], status: status, sample: try blob(2), rated: try blob(3),
            failures: failures, attempts: row[offset + 5], shards: shards)
    }

    /// The journal's entry for the finished prompt `promptID` (its records and the shard files
    /// that hold them), or nil when the journal has not finished it.
    package func finishedEntry(promptID: String) throws(RunError) -> RunJournalEntry? {
        do {
            return try queue.read { db -> RunJournalEntry? in
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT ordinal, prompt_id, status, sample, rated, failures, attempts, shards FROM prompts WHERE prompt_id = ? AND status = 'done'",
                    arguments: [promptID])
                else { return nil }
                return try Self.entry(ordinal: row[0], row: row, offset: 1)
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    /// Per endpoint and model totals.
    static func merge(_ records: [UsageRecord]) -> [UsageRecord] {
        var merged: [String: UsageRecord] = [:]
        for record in records {
            let key = record.endpoint + "\u{1F}" + record.model
            merged[key, default: UsageRecord(endpoint: record.endpoint, model: record.model)].add(record)
        }
        return merged.values.sorted { ($0.endpoint, $0.model) < ($1.endpoint, $1.model) }
    }
}
