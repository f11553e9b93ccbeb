import Foundation

/// Brings an `s3://` input to local disk for readers that open files: one object, or every
/// object under a prefix (a shard directory), each fetched with ranged GETs so memory stays at
/// one chunk.
package enum S3Download {
    /// Downloads `location` into `directory` and returns the local path to open: the file for an
    /// object, the directory for a prefix. `location` names an object when one exists at its key;
    /// otherwise it is taken as a prefix, which must hold objects.
    package static func materialize(_ location: S3Location, client: S3Client, into directory: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !location.key.isEmpty, !location.key.hasSuffix("/"),
            try await client.objectIfPresent(bucket: location.bucket, key: location.key) != nil
        {
            let path = directory + "/" + location.name
            try await client.downloadFile(location, to: path)
            return path
        }
        let prefix = location.asPrefix
        let objects = try await client.listObjects(bucket: prefix.bucket, prefix: prefix.key)
        guard !objects.isEmpty else { throw S3Error.noSuchKey(bucket: location.bucket, key: location.key) }
        // Index files first, so a reader can start on the first shard while others arrive.
        for object in objects {
            let relative = String(object.key.dropFirst(prefix.key.count))
            guard !relative.isEmpty, !relative.hasSuffix("/") else { continue }
            let path = directory + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try await client.downloadFile(S3Location(bucket: prefix.bucket, key: object.key), to: path)
        }
        return directory
    }
}
