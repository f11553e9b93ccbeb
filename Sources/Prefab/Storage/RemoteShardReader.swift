import Foundation
import PrefabShards
import PrefabStorage

/// Reads an `s3://` dataset shard by shard, so records come out while later shards are still
/// downloading and local disk holds at most two shards (`prefab cat s3://…`).
///
/// The prefix's `index.json` and `manifest.json` come first; then each shard in reading order,
/// fetched with ranged GETs while the one before it is read, opened with the same checks as a
/// local directory (an MDS shard through an index holding just its entry, so its size and the
/// hashes listed are verified; a JSONL.zst shard beside the manifest, so its record count is),
/// and deleted once read. An `s3://` object (not a prefix) is downloaded and read as a file.
package enum RemoteShardReader {
    /// Calls `body` with each shard as a dataset of its own, in order, until it returns false.
    package static func forEachShard(
        _ path: String, verification: Verification, storage: StorageConfiguration? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, _ body: (ShardDataset) throws -> Bool
    ) async throws {
        let location = try S3Location(parsing: path)
        let client = try storage.client(environment: environment)
        let directory = RemoteInput.temporaryDirectory("read")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        if !location.key.isEmpty, !location.key.hasSuffix("/"), try await client.objectIfPresent(bucket: location.bucket, key: location.key) != nil {
            let file = directory + "/" + location.name
            try await client.downloadFile(location, to: file)
            _ = try body(try ShardDataset.open(file, verification: verification))
            return
        }
        let prefix = location.asPrefix
        var foundIndex = false
        for name in [MDSIndex.fileName, ShardManifest.fileName] {
            if try await client.objectIfPresent(bucket: prefix.bucket, key: prefix.key + name) != nil {
                try await client.downloadFile(prefix.appending(name), to: directory + "/" + name)
                foundIndex = true
            }
        }
        guard foundIndex else {
            throw S3Error.noSuchKey(bucket: prefix.bucket, key: prefix.key + "index.json (or manifest.json): not a dataset prefix, or its writer has not finished")
        }
        let dataset = try ShardDataset.open(directory, verification: verification)
        // Relative to the prefix: a merged dataset names its parts' shards by their subdirectory
        // (`part-00002-of-00004/shard.00000.mds.zstd`), and two parts' shards share names.
        let names = dataset.files.map { String($0.dropFirst(directory.count + 1)) }
        func fetch(_ index: Int) -> Task<Void, any Error> {
            Task {
                let path = directory + "/" + names[index]
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try await client.downloadFile(prefix.appending(names[index]), to: path)
            }
        }
        var next: Task<Void, any Error>? = names.isEmpty ? nil : fetch(0)
        for index in names.indices {
            try await next!.value
            next = index + 1 < names.count ? fetch(index + 1) : nil
            let file = directory + "/" + names[index]
            defer { try? FileManager.default.removeItem(atPath: file) }
            let shard: ShardDataset
            if let mds = dataset.mdsIndex {
                let view = directory + "/.shard-\(index)"
                try FileManager.default.createDirectory(
                    atPath: ((view + "/" + names[index]) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: view) }
                try FileManager.default.moveItem(atPath: file, toPath: view + "/" + names[index])
                try Data(MDSIndex(shards: [mds.shards[index]]).serialized).write(to: URL(fileURLWithPath: view + "/" + MDSIndex.fileName))
                shard = try ShardDataset.open(view, verification: verification)
                if try !body(shard) { next?.cancel(); return }
            } else {
                shard = try ShardDataset.open(file, verification: verification)
                if try !body(shard) { next?.cancel(); return }
            }
        }
    }
}
