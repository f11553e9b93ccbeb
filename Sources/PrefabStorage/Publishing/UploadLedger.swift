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
/// A run keeps it in its journal (`JournalUploadLedger`, in the `Prefab` module), each change
/// committed before the upload it describes is relied on.
package protocol UploadLedger: Sendable {
    func finished() async throws -> [String: UploadRecord]
    /// Multipart uploads started and neither completed nor aborted.
    func unfinished() async throws -> [S3MultipartUpload]
    func started(_ upload: S3MultipartUpload) async throws
    func ended(_ upload: S3MultipartUpload) async throws
    func finished(_ record: UploadRecord) async throws
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

extension S3MultipartUpload {
    /// An upload as a ledger outside this module (the run journal) reads it back.
    package static func recorded(key: String, uploadID: String) -> S3MultipartUpload {
        S3MultipartUpload(key: key, uploadID: uploadID)
    }
}
