import Foundation
import PrefabShards

/// One object a publisher finished uploading: what it is, and what it was made from.
package struct UploadRecord: Sendable, Equatable, Codable {
    package var key: String
    package var etag: String
    package var size: Int
    /// SHA-256 of the local file uploaded, so a resumed session knows whether the object still
    /// holds the bytes it would upload now.
    package var sha256: String

    package init(key: String, etag: String, size: Int, sha256: String) {
        self.key = key
        self.etag = etag
        self.size = size
        self.sha256 = sha256
    }
}

/// Where a publisher notes what it started and finished, so a killed session's successor
/// re-uploads only what is missing and aborts the multipart uploads it left open.
///
/// `FileUploadLedger` keeps it in an append-only file beside the run journal; every line is
/// flushed to disk before the upload it describes is relied on.
package protocol UploadLedger: Sendable {
    func finished() async throws -> [String: UploadRecord]
    /// Multipart uploads started and neither completed nor aborted.
    func unfinished() async throws -> [S3MultipartUpload]
    func started(_ upload: S3MultipartUpload) async throws
    func ended(_ upload: S3MultipartUpload) async throws
    func finished(_ record: UploadRecord) async throws
}

/// An `UploadLedger` in a JSON Lines file: one event per line, appended and synced. A line cut
/// short by a crash is ignored (its event had not been relied on).
package actor FileUploadLedger: UploadLedger {
    private enum Event: Codable {
        case started(key: String, uploadID: String)
        case ended(key: String, uploadID: String)
        case finished(UploadRecord)
    }

    package let path: String
    private var done: [String: UploadRecord] = [:]
    private var open: [String: S3MultipartUpload] = [:]
    private let descriptor: Int32

    package init(path: String) throws(S3Error) {
        self.path = path
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if let data = FileManager.default.contents(atPath: path) {
            let decoder = JSONDecoder()
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let event = try? decoder.decode(Event.self, from: Data(line)) else { continue }
                switch event {
                case .started(let key, let id): open[id] = S3MultipartUpload(key: key, uploadID: id)
                case .ended(_, let id): open[id] = nil
                case .finished(let record): done[record.key] = record
                }
            }
        }
        descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .localFile(path: path, detail: "cannot open the upload ledger: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    package func finished() -> [String: UploadRecord] { done }
    package func unfinished() -> [S3MultipartUpload] { open.values.sorted { $0.key < $1.key } }

    package func started(_ upload: S3MultipartUpload) throws {
        open[upload.uploadID] = upload
        try append(.started(key: upload.key, uploadID: upload.uploadID))
    }

    package func ended(_ upload: S3MultipartUpload) throws {
        open[upload.uploadID] = nil
        try append(.ended(key: upload.key, uploadID: upload.uploadID))
    }

    package func finished(_ record: UploadRecord) throws {
        done[record.key] = record
        try append(.finished(record))
    }

    private func append(_ event: Event) throws {
        var line = try JSONEncoder().encode(event)
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw S3Error.localFile(path: path, detail: "cannot append to the upload ledger: \(String(cString: strerror(errno)))")
        }
    }
}

/// A ledger that forgets everything when the process ends (one-shot uploads: `prefab convert`).
package actor MemoryUploadLedger: UploadLedger {
    private var done: [String: UploadRecord] = [:]
    private var open: [String: S3MultipartUpload] = [:]
    package init() {}
    package func finished() -> [String: UploadRecord] { done }
    package func unfinished() -> [S3MultipartUpload] { Array(open.values) }
    package func started(_ upload: S3MultipartUpload) { open[upload.uploadID] = upload }
    package func ended(_ upload: S3MultipartUpload) { open[upload.uploadID] = nil }
    package func finished(_ record: UploadRecord) { done[record.key] = record }
}
