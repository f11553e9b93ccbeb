/// What S3 says about one stored object.
package struct S3ObjectInfo: Sendable, Equatable {
    package var key: String
    package var size: Int
    /// The ETag without its quotes: the MD5 of a single-part object, `MD5-N` for a multipart one.
    package var etag: String
    /// The server-side encryption S3 applied (`AES256`, `aws:kms`), as HEAD reports it; nil
    /// when not asked (listings do not say).
    package var serverSideEncryption: String?

    package init(key: String, size: Int, etag: String, serverSideEncryption: String? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.serverSideEncryption = serverSideEncryption
    }

    static func unquote(_ etag: String) -> String {
        var text = etag
        if text.hasPrefix("\"") { text.removeFirst() }
        if text.hasSuffix("\"") { text.removeLast() }
        return text
    }
}

/// A multipart upload S3 still holds open (neither completed nor aborted).
package struct S3MultipartUpload: Sendable, Equatable {
    package var key: String
    package var uploadID: String
}
