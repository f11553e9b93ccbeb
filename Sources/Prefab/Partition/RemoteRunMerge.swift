import Foundation
import PrefabShards
import PrefabStorage

/// `prefab merge s3://bucket/prefix`: the merge of a run whose partitions streamed into object
/// storage (`prefab run --partition I/N` with an `s3://` output).
///
/// A merge reads only the parts' small files, so it needs no copy of the dataset: the parts'
/// run files (`parts/…`) and each part's `manifest.json` and MDS `index.json` are downloaded
/// into a temporary directory laid out as the prefix is, and `RunMerge` does there exactly what
/// it does in a local output (the same checks, the same messages, naming the `s3://` paths, and
/// the same exit statuses). Then the root files it wrote go up, summaries, report and card
/// first and every dataset directory's `index.json` and `manifest.json` last, so a loader never
/// finds a root index before the rest of the merge is there. The report reads the records, as
/// a local merge's does: each shard is fetched when it is read and deleted after
/// (`StreamedStageReader`); without the report no shard byte is read. What it writes is derived
/// from the parts alone, so merging again gives the same objects.
package struct RemoteRunMerge: Sendable {
    package let location: String
    package var writeReport = true
    /// `prefab merge --config`: checked against the parts, and the card written with it.
    package var setup: RunSetup?
    package var environment: [String: String] = ProcessInfo.processInfo.environment
    /// How the merged files are stored and the bucket addressed (`prefab merge --sse …` over the
    /// config's `storage:` block); nil: the config's block, if any.
    package var storage: StorageConfiguration?
    /// Small files downloaded at once.
    static let downloads = 8

    package init(location: String) {
        self.location = location
    }

    package func run() async throws(RunMergeError) -> RunMerge.Result {
        let destination: S3Location
        let client: S3Client
        do {
            destination = try S3Location(parsing: location).asPrefix
            client = try S3Client.fromEnvironment(environment) { [storage] in (storage ?? setup?.configuration.storage)?.apply(to: &$0) }
        } catch {
            throw .objectStorage(location: location, reason: error.description)
        }
        let scratch = RemoteInput.temporaryDirectory("merge")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let local = scratch + "/dataset"
        let listed: [S3ObjectInfo]
        do {
            listed = try await client.listObjects(bucket: destination.bucket, prefix: destination.key)
            try await download(Self.mergeInputs(listed.map { String($0.key.dropFirst(destination.key.count)) }), from: destination, client: client, into: local)
        } catch {
            throw .objectStorage(location: location, reason: "reading the parts: \(error)")
        }

        var merge = RunMerge(output: local)
        merge.location = destination.description
        merge.writeReport = writeReport
        merge.setup = setup
        merge.environment = environment
        merge.streamed = StreamedStageReader(client: client, root: local, destination: destination)
        let result = try await merge.run()

        // The merge's own files only: the parts' are there already, and their writers' uploads
        // (a partition run again alongside) are not the merge's to abort.
        // It claims nothing (the partitions did), so the identity is never written.
        var publisher = S3Publisher(client: client, destination: destination, identity: setup?.identity ?? "", ledger: MemoryUploadLedger())
        publisher.ownsKey = { _ in false }
        do {
            // A failures.jsonl from an earlier merge, when nothing fails any more.
            let failures = destination.key + RunPipeline.failuresName
            if !FileManager.default.fileExists(atPath: local + "/" + RunPipeline.failuresName), listed.contains(where: { $0.key == failures }) {
                try await client.deleteObject(bucket: destination.bucket, key: failures)
            }
            _ = try await publisher.publish(directory: local) { RunPartitionLayout.isPartFile($0) }
        } catch {
            throw .objectStorage(location: location, reason: "writing the merged indexes: \(error)")
        }
        return result
    }

    /// What the merge reads, of the keys under the prefix (relative to it): every run file under
    /// `parts/`, and each part's indexes. `directories`: every part subdirectory, also those
    /// without an index (a local merge finds those and says the part is incomplete).
    static func mergeInputs(_ keys: [String]) -> (files: [String], directories: [String]) {
        var files: [String] = []
        var directories: Set<String> = []
        for key in keys {
            let components = key.split(separator: "/", omittingEmptySubsequences: false)
            guard components.count >= 2 else { continue }
            if components[0] == RunPartitionLayout.partsDirectory, components.count >= 3 {
                files.append(key)
                continue
            }
            let parent = components[components.count - 2]
            guard parent.hasPrefix("part-"), RunPartition(directoryName: String(parent.dropFirst(5))) != nil else { continue }
            directories.insert(components.dropLast().joined(separator: "/"))
            if let name = components.last, name == ShardManifest.fileName || name == MDSIndex.fileName { files.append(key) }
        }
        return (files.sorted(), directories.sorted())
    }

    /// Fetches `inputs.files` (small: one GET each, a few at once) into `local` at their paths,
    /// and makes `inputs.directories`.
    private func download(
        _ inputs: (files: [String], directories: [String]), from destination: S3Location, client: S3Client, into local: String
    ) async throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: local, withIntermediateDirectories: true)
        for directory in inputs.directories {
            try manager.createDirectory(atPath: local + "/" + directory, withIntermediateDirectories: true)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let relative = inputs.files[next]
                next += 1
                group.addTask {
                    let data = try await client.getObject(bucket: destination.bucket, key: destination.key + relative)
                    let path = local + "/" + relative
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try data.write(to: URL(fileURLWithPath: path))
                }
            }
            while next < min(Self.downloads, inputs.files.count) { add() }
            while try await group.next() != nil {
                if next < inputs.files.count { add() }
            }
        }
    }
}
