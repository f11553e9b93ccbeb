import Foundation
import PrefabShards
import PrefabStorage

/// Reads the JSONL.zst shards of a stage directory whose shards have partly gone to object
/// storage already: a run streaming to `s3://` deletes each shard once it is uploaded, keeping
/// only the index files (and the shards not yet uploaded) in its local directory. Each shard
/// its local `manifest.json` lists is read from local disk when it is still there, otherwise
/// fetched into a hidden directory beside it, read, and deleted, so the report of a streamed
/// run reads the whole dataset with at most one fetched shard on local disk.
package struct StreamedStageReader: Sendable {
    package let client: S3Client
    /// The local directory the run wrote (its paths, relative to it, are keys under `destination`).
    package let root: String
    package let destination: S3Location

    package init(client: S3Client, root: String, destination: S3Location) {
        self.client = client
        self.root = root
        self.destination = destination.asPrefix
    }

    /// Calls `body` with a local path of each shard of `directory` (inside `root`), in order.
    package func forEachShard(of directory: String, _ body: (String) throws -> Void) async throws {
        guard let manifest = try ShardManifest.load(from: directory) else {
            throw ShardError.invalidArgument("\(directory) has no \(ShardManifest.fileName)")
        }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let relative = directory.hasPrefix(prefix) ? String(directory.dropFirst(prefix.count)) : (directory as NSString).lastPathComponent
        let fetched = directory + "/.fetched"
        defer { try? FileManager.default.removeItem(atPath: fetched) }
        for shard in manifest.shards {
            let local = directory + "/" + shard.file
            if FileManager.default.fileExists(atPath: local) {
                try body(local)
                continue
            }
            // A merged directory's manifest names its parts' shards by their subdirectory
            // (`part-00002-of-00004/samples-00000.jsonl.zst`).
            let path = fetched + "/" + shard.file
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try await client.downloadFile(S3Location(bucket: destination.bucket, key: destination.key + relative + "/" + shard.file), to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try body(path)
        }
    }
}
