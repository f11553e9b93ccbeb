import Foundation
import GRDB
import PrefabStorage

/// What a run with an `s3://` output has uploaded, kept in the run journal beside the prompts
/// it finished, so one place records what the run has done: every finished object (key, ETag,
/// size, SHA-256 of the local bytes) and every multipart upload started and not yet completed
/// or aborted. Each change is its own transaction, written before the upload it describes is
/// relied on, so a `kill -9` at any moment leaves a ledger the next session can trust.
extension RunJournal {
    static func registerUploadMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("journal-v5: uploads") { db in
            try db.execute(sql: """
                CREATE TABLE uploads (
                    key TEXT PRIMARY KEY NOT NULL,
                    etag TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL
                );
                CREATE TABLE open_uploads (
                    upload_id TEXT PRIMARY KEY NOT NULL,
                    key TEXT NOT NULL
                );
                """)
        }
    }

    /// What the journal at `path` records of uploads, read without taking the run's lock (a
    /// session may be running): objects finished and multipart uploads open. Empty when the
    /// journal or its tables do not exist yet.
    package static func uploads(path: String) -> (finished: [UploadRecord], open: [S3MultipartUpload]) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], []) }
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return ([], []) }
        let read = try? queue.read { db -> ([UploadRecord], [S3MultipartUpload]) in
            guard try db.tableExists("uploads") else { return ([], []) }
            let finished = try Row.fetchAll(db, sql: "SELECT key, etag, size, sha256 FROM uploads ORDER BY key").map {
                UploadRecord(key: $0["key"], etag: $0["etag"], size: $0["size"], sha256: $0["sha256"])
            }
            let open = try Row.fetchAll(db, sql: "SELECT key, upload_id FROM open_uploads ORDER BY key").map {
                S3MultipartUpload.recorded(key: $0["key"], uploadID: $0["upload_id"])
            }
            return (finished, open)
        }
        return read ?? ([], [])
    }

    /// The journal as the publisher's upload ledger.
    package var uploadLedger: JournalUploadLedger {
        JournalUploadLedger(queue: queue) { [path] reason in RunError.journal(path: path, reason: "upload ledger: \(reason)") }
    }
}

/// An `UploadLedger` in the `uploads` and `open_uploads` tables of an SQLite database: the run
/// journal's, or a command's own ledger file (`UploadLedgerFile`, for `prefab convert`).
package struct JournalUploadLedger: UploadLedger {
    let queue: DatabaseQueue
    /// The error to throw when the database fails, from what went wrong.
    let failure: @Sendable (String) -> any Error

    private func run<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch {
            throw failure("\(error)")
        }
    }

    package func finished() async throws -> [String: UploadRecord] {
        try run { db in
            var records: [String: UploadRecord] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, etag, size, sha256 FROM uploads") {
                let record = UploadRecord(key: row["key"], etag: row["etag"], size: row["size"], sha256: row["sha256"])
                records[record.key] = record
            }
            return records
        }
    }

    package func unfinished() async throws -> [S3MultipartUpload] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT key, upload_id FROM open_uploads ORDER BY key").map {
                S3MultipartUpload.recorded(key: $0["key"], uploadID: $0["upload_id"])
            }
        }
    }

    package func started(_ upload: S3MultipartUpload) async throws {
        try run { db in
            try db.execute(sql: "INSERT OR REPLACE INTO open_uploads (upload_id, key) VALUES (?, ?)", arguments: [upload.uploadID, upload.key])
        }
    }

    package func ended(_ upload: S3MultipartUpload) async throws {
        try run { db in try db.execute(sql: "DELETE FROM open_uploads WHERE upload_id = ?", arguments: [upload.uploadID]) }
    }

    package func finished(_ record: UploadRecord) async throws {
        try run { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO uploads (key, etag, size, sha256) VALUES (?, ?, ?, ?)",
                arguments: [record.key, record.etag, record.size, record.sha256])
        }
    }
}
