import Foundation
import PrefabShards
import PrefabStorage

extension RemoteConversion {
    /// A local dataset directory the conversion would write again byte for byte: its manifest
    /// says this version of Prefab wrote it in the requested format with the same options (the
    /// same config hash), and every file it lists is there with its listed size. Shards are cut
    /// deterministically from the records, so converting it would make the same files; they are
    /// uploaded as they are instead (`prefab convert DIR s3://…` publishes a dataset converted
    /// locally earlier, at the speed of the upload alone). Nil when anything differs: the
    /// conversion then runs as usual.
    static func unchangedDataset(input: String, options: ShardWriterOptions) -> (manifest: ShardManifest, files: [String: String])? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue,
            let manifest = try? ShardManifest.load(from: input),
            manifest.format == options.format, manifest.configHash == options.configHash,
            manifest.compression == options.compression.description, manifest.toolVersion == PrefabVersion.string
        else { return nil }
        // Each file by its path relative to the dataset, with its SHA-256 when the manifest lists one.
        var files: [String: String] = [:]
        for shard in manifest.shards {
            let size = (try? FileManager.default.attributesOfItem(atPath: input + "/" + shard.file))?[.size] as? Int
            guard size == shard.bytes else { return nil }
            files[shard.file] = shard.sha256
        }
        var indexes = [ShardManifest.fileName]
        if options.format == .mds { indexes.append(MDSIndex.fileName) }
        for index in indexes {
            guard FileManager.default.fileExists(atPath: input + "/" + index) else { return nil }
            files[index] = ""
        }
        return (manifest, files)
    }

    /// Uploads the dataset `unchangedDataset` found: its shards, then its index files.
    static func publishUnchanged(
        input: String, files: [String: String], publisher: S3Publisher, monitor: RunMonitor, output: String
    ) async throws -> S3Publisher.Outcome {
        monitor.update { $0.phase = "uploading to \(output)" }
        return try await publisher.publish(
            directory: input, skip: { files[$0] == nil }, digests: files.filter { !$0.value.isEmpty })
    }
}
