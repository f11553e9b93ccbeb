import Foundation
import GRDB

/// One batch of a run as the journal keeps it: enough to find it again at the provider after
/// the process was killed at any moment, and never to create it twice.
///
/// The journal records a batch's state before every provider call that could create something
/// (`uploading`, `creating`) and after every answer (`uploaded`, `created`, each poll, `ended`,
/// `collected`), each in its own transaction.
package struct JournaledBatch: Sendable, Hashable {
    package enum State: String, Sendable {
        /// Its file is written; nothing was sent.
        case written
        /// An upload was started (OpenAI); its answer may have been lost.
        case uploading
        /// The provider holds the file (`fileID`).
        case uploaded
        /// A create call was started at `creatingAt`; its answer may have been lost.
        case creating
        /// The provider runs it (`batchID`).
        case created
        /// The provider is done with it; its results are being read.
        case ended
        /// Its results are in the response cache (and failures recorded): nothing left to do.
        case collected
        /// Cancelled by `prefab batches --cancel` before it ended.
        case cancelled

        /// Whether the batch still needs work.
        package var isOpen: Bool { self != .collected && self != .cancelled }
    }

    package var id: Int64 = 0
    package var endpoint: String
    /// `sample` or `judge`: which stage's calls it holds.
    package var stage: String
    /// The collection round (1, 2, ...): later rounds hold follow-up calls and retries.
    package var round: Int
    /// The batch file on disk (JSONL).
    package var path: String
    package var requests: Int
    package var bytes: Int
    package var structured: Bool
    package var state: State
    package var fileID: String?
    package var batchID: String?
    /// The provider's last reported state word (`in_progress`, `completed`, ...).
    package var providerState: String?
    package var succeeded = 0
    package var failed = 0
    /// When the create call was started (seconds since 1970), to recognise the batch it made.
    package var creatingAt: Double?
    /// Its requests' tokens as estimated when they were written (`BatchFileWriter.File.estimate`).
    package var estimate = TokenUsage()
    /// Whether the run's budget counts it (its requests, `estimate` and that estimate's cost):
    /// set in the transaction that journals `creating` together with the session's spending, so
    /// a batch is reserved exactly once however often the run is killed.
    package var reserved = false

    package init(endpoint: String, stage: String, round: Int, path: String, requests: Int, bytes: Int, structured: Bool) {
        self.endpoint = endpoint
        self.stage = stage
        self.round = round
        self.path = path
        self.requests = requests
        self.bytes = bytes
        self.structured = structured
        self.state = .written
    }

    /// The name the run gives it at the provider (the uploaded file's name, OpenAI metadata).
    package var marker: String {
        "prefab-\((path as NSString).lastPathComponent)"
    }
}

/// A stage whose batches are all collected, recorded before the next stage's batches are
/// journaled (in the same transaction): every answer of the stage is in the response cache, and
/// what did not come back is in `batch_failures`. A resumed run never collects the stage again.
package struct CommittedBatchStage: Sendable, Hashable {
    /// `sample` (the judges' stage ends the rounds).
    package var stage: String
    /// The last round that held the stage's batches.
    package var round: Int
    package var batches: Int
    package var requests: Int
    package var succeeded: Int
    package var failed: Int
}

/// A batch request that failed, and how often.
package struct BatchRequestFailure: Sendable, Hashable {
    package var failures: Int
    package var status: Int?
    package var reason: String
}

extension RunJournal {
    static func registerBatchMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("journal-v3: batches") { db in
            try db.execute(sql: """
                CREATE TABLE batches (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    endpoint TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    round INTEGER NOT NULL,
                    path TEXT NOT NULL,
                    requests INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    structured INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    file_id TEXT,
                    batch_id TEXT,
                    provider_state TEXT,
                    succeeded INTEGER NOT NULL DEFAULT 0,
                    failed INTEGER NOT NULL DEFAULT 0,
                    creating_at REAL,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE batch_failures (
                    key TEXT NOT NULL,
                    batch INTEGER NOT NULL,
                    endpoint TEXT NOT NULL,
                    status INTEGER,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (key, batch)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("journal-v4: batch budgets and stages") { db in
            try db.execute(sql: """
                ALTER TABLE batches ADD COLUMN estimated_prompt_tokens INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE batches ADD COLUMN estimated_completion_tokens INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE batches ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE batch_stages (
                    stage TEXT PRIMARY KEY NOT NULL,
                    round INTEGER NOT NULL,
                    batches INTEGER NOT NULL,
                    requests INTEGER NOT NULL,
                    succeeded INTEGER NOT NULL,
                    failed INTEGER NOT NULL,
                    committed_at REAL NOT NULL
                );
                """)
        }
    }

    /// Journals newly written batches (state `written`) in one transaction, with the stage they
    /// follow when it was just `committing`; returns them with ids.
    package func addBatches(_ batches: [JournaledBatch], committing stage: CommittedBatchStage? = nil) throws(RunError) -> [JournaledBatch] {
        do {
            return try queue.write { db in
                if let stage {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO batch_stages (stage, round, batches, requests, succeeded, failed, committed_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [stage.stage, stage.round, stage.batches, stage.requests, stage.succeeded, stage.failed, Date().timeIntervalSince1970])
                }
                return try batches.map { batch in
                    var batch = batch
                    try db.execute(
                        sql: """
                            INSERT INTO batches (endpoint, stage, round, path, requests, bytes, structured, state, updated_at,
                                estimated_prompt_tokens, estimated_completion_tokens)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            batch.endpoint, batch.stage, batch.round, batch.path, batch.requests, batch.bytes,
                            batch.structured, batch.state.rawValue, Date().timeIntervalSince1970,
                            batch.estimate.promptTokens, batch.estimate.completionTokens,
                        ])
                    batch.id = db.lastInsertedRowID
                    return batch
                }
            }
        } catch {
            throw .journal(path: path, reason: "cannot record batches: \(error)")
        }
    }

    /// The stages committed so far, in the order they were.
    package func committedStages() throws(RunError) -> [CommittedBatchStage] {
        do {
            return try queue.read { db in try Self.committedStages(in: db) }
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    static func committedStages(in db: Database) throws -> [CommittedBatchStage] {
        try Row.fetchAll(db, sql: "SELECT stage, round, batches, requests, succeeded, failed FROM batch_stages ORDER BY committed_at").map { row in
            CommittedBatchStage(stage: row[0], round: row[1], batches: row[2], requests: row[3], succeeded: row[4], failed: row[5])
        }
    }

    /// Writes a batch's state, ids and counts; with `usage`, also this session's spending (the
    /// ledger's records), in the same transaction: a batch reserved or settled in the budget is
    /// journaled together with the spending that counts it, so a kill never counts it twice.
    package func updateBatch(_ batch: JournaledBatch, usage: [UsageRecord]? = nil) throws(RunError) {
        do {
            let usageJSON = try usage.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            try queue.write { db in
                try db.execute(
                    sql: """
                        UPDATE batches SET state = ?, file_id = ?, batch_id = ?, provider_state = ?, succeeded = ?, failed = ?,
                            creating_at = ?, reserved = ?, updated_at = ? WHERE id = ?
                        """,
                    arguments: [
                        batch.state.rawValue, batch.fileID, batch.batchID, batch.providerState, batch.succeeded, batch.failed,
                        batch.creatingAt, batch.reserved, Date().timeIntervalSince1970, batch.id,
                    ])
                if let usageJSON {
                    try db.execute(sql: "UPDATE sessions SET usage = ? WHERE id = ?", arguments: [usageJSON, session])
                }
            }
        } catch {
            throw .journal(path: path, reason: "cannot record batch \(batch.id): \(error)")
        }
    }

    /// The run's batches, oldest first; only those still needing work when `open`.
    package func batches(open: Bool = false) throws(RunError) -> [JournaledBatch] {
        do {
            return try queue.read { db in try Self.batches(in: db, open: open) }
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }

    static func batches(in db: Database, open: Bool) throws -> [JournaledBatch] {
        try Row.fetchAll(db, sql: """
            SELECT id, endpoint, stage, round, path, requests, bytes, structured, state, file_id, batch_id,
                provider_state, succeeded, failed, creating_at, estimated_prompt_tokens, estimated_completion_tokens, reserved
                FROM batches ORDER BY id
            """).compactMap { row -> JournaledBatch? in
            guard let state = JournaledBatch.State(rawValue: row[8]) else { return nil }
            var batch = JournaledBatch(
                endpoint: row[1], stage: row[2], round: row[3], path: row[4], requests: row[5], bytes: row[6], structured: row[7])
            batch.id = row[0]
            batch.state = state
            batch.fileID = row[9]
            batch.batchID = row[10]
            batch.providerState = row[11]
            batch.succeeded = row[12]
            batch.failed = row[13]
            batch.creatingAt = row[14]
            batch.estimate = TokenUsage(promptTokens: row[15], completionTokens: row[16])
            batch.reserved = row[17]
            return open && !state.isOpen ? nil : batch
        }
    }

    /// Records the requests that failed in `batch`. Idempotent: reading a batch's results again
    /// (after a kill) counts each failure once.
    package func recordBatchFailures(
        batch: Int64, _ failures: [(key: String, endpoint: String, status: Int?, reason: String)]
    ) throws(RunError) {
        guard !failures.isEmpty else { return }
        do {
            try queue.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO batch_failures (key, batch, endpoint, status, reason) VALUES (?, ?, ?, ?, ?)
                    """)
                for failure in failures {
                    try statement.execute(arguments: [failure.key, batch, failure.endpoint, failure.status, failure.reason])
                }
            }
        } catch {
            throw .journal(path: path, reason: "cannot record batch failures: \(error)")
        }
    }

    /// Every request key that failed in a batch, with how often and why.
    package func batchFailures() throws(RunError) -> [String: BatchRequestFailure] {
        do {
            return try queue.read { db in
                var failures: [String: BatchRequestFailure] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT key, status, reason FROM batch_failures ORDER BY batch")
                while let row = try rows.next() {
                    let previous = failures[row[0]]?.failures ?? 0
                    failures[row[0]] = BatchRequestFailure(failures: previous + 1, status: row[1], reason: row[2])
                }
                return failures
            }
        } catch {
            throw .journal(path: path, reason: "\(error)")
        }
    }
}
