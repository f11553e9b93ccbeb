/// `s3://bucket/key-or-prefix`, parsed once so every command and config key reads it the same way.
package struct S3Location: Sendable, Hashable, CustomStringConvertible {
    package var bucket: String
    /// The key or prefix, without a leading "/"; may be empty (the whole bucket).
    package var key: String

    package init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Whether `text` names object storage (`s3://...`), so callers can branch before parsing.
    package static func isS3(_ text: String) -> Bool {
        text.lowercased().hasPrefix("s3://")
    }

    /// Parses `s3://bucket/key`; throws naming what is wrong.
    package init(parsing text: String) throws(S3Error) {
        guard Self.isS3(text) else { throw .invalidLocation(text, reason: "does not start with s3://") }
        let rest = text.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { throw .invalidLocation(text, reason: "names no bucket (write s3://BUCKET/PREFIX)") }
        guard bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }), bucket.count >= 3, bucket.count <= 63 else {
            throw .invalidLocation(text, reason: "bucket name '\(bucket)' is not a valid S3 bucket name (3-63 lowercase letters, digits, '-', '.')")
        }
        self.bucket = String(bucket)
        var key = String(rest.dropFirst(bucket.count))
        while key.hasPrefix("/") { key.removeFirst() }
        self.key = key
    }

    /// The location as a directory: the key with exactly one trailing "/" (or "" for the bucket).
    package var asPrefix: S3Location {
        var prefix = key
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return S3Location(bucket: bucket, key: prefix.isEmpty ? "" : prefix + "/")
    }

    /// A child of this location taken as a directory.
    package func appending(_ name: String) -> S3Location {
        S3Location(bucket: bucket, key: asPrefix.key + name)
    }

    /// The last path segment of the key.
    package var name: String {
        var key = key
        while key.hasSuffix("/") { key.removeLast() }
        return String(key.split(separator: "/").last ?? "")
    }

    package var description: String { "s3://\(bucket)/\(key)" }
}
