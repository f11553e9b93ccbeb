import Foundation
import GRDB
import PrefabStorage

/// An upload ledger in an SQLite file of its own, for a command that uploads without a run
/// journal (`prefab convert … s3://`): the same `uploads` and `open_uploads` tables, written the
/// same way (`JournalUploadLedger`, each change its own transaction), so a killed command's
/// rerun skips the objects already uploaded (HEAD-verified) and aborts the multipart uploads it
/// left open, as a resumed run does.
///
/// A lock file beside it is held while it is open: two commands writing the same output at
/// once are refused rather than interleaved.
package final class UploadLedgerFile: UploadLedger {
    package let path: String
    private let ledger: JournalUploadLedger
    private let lock: Int32

    package init(path: String) throws(UploadLedgerFileError) {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .unusable(path: path, reason: "cannot create its directory: \(error.localizedDescription)")
        }
        do {
            lock = try ExclusiveFileLock.take(beside: path)
        } catch {
            switch error {
            case .busy: throw .busy(path: path)
            case .unusable(let reason): throw .unusable(path: path, reason: reason)
            }
        }
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            RunJournal.registerUploadMigration(&migrator)
            try migrator.migrate(queue)
            ledger = JournalUploadLedger(queue: queue) { reason in UploadLedgerFileError.unusable(path: path, reason: reason) }
        } catch {
            close(lock)
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    deinit { close(lock) }

    package func finished() async throws -> [String: UploadRecord] { try await ledger.finished() }
    package func unfinished() async throws -> [S3MultipartUpload] { try await ledger.unfinished() }
    package func started(_ upload: S3MultipartUpload) async throws { try await ledger.started(upload) }
    package func ended(_ upload: S3MultipartUpload) async throws { try await ledger.ended(upload) }
    package func finished(_ record: UploadRecord) async throws { try await ledger.finished(record) }
}

/// Why a command's upload ledger cannot be used.
package enum UploadLedgerFileError: Error, CustomStringConvertible {
    case unusable(path: String, reason: String)
    case busy(path: String)

    package var description: String {
        switch self {
        case .unusable(let path, let reason): "\(path): upload ledger: \(reason)"
        case .busy(let path): "\(path): another prefab command is writing the same output; wait for it to end (or stop it) and run again"
        }
    }
}
