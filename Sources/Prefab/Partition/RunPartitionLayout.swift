import Foundation
import PrefabShards

/// Where a partition's files go inside the run's output directory, and the checks made before
/// a partition starts.
///
/// Every dataset directory a run writes (`samples`, `samples/mds`, `rated`, `rated/mds`,
/// `pairs/train`, `pairs/train/mds`, `pairs/test`, ...) gets one subdirectory per partition,
/// `part-00002-of-00004/`, holding that partition's shard files and its own manifest and MDS
/// index, so each part is a complete dataset by itself. The other files a stage writes
/// (`rated/judge-report.json`, `pairs/pairs-summary.json`) and the run's own files
/// (`run-summary.json`, `failures.jsonl`, `partition.json`, `agreement.json`) go to
/// `OUT/parts/00002-of-00004/`. `prefab merge` then writes root indexes over the parts
/// (`RunMerge`) and never moves a shard.
package enum RunPartitionLayout {
    /// `OUT/parts/`: one directory of run files per partition.
    package static let partsDirectory = "parts"
    /// The partition's state, written when it starts and again when it ends.
    package static let stateName = "partition.json"
    /// The judges' agreement accumulator, so the merge sums counts instead of averaging figures.
    package static let agreementName = "agreement.json"

    /// Refuses a partition whose count differs from partitions already in `output`, naming them.
    /// Then claims the partition's run-files directory, so later partitions see its count even
    /// before it finishes. `checkCounts: false` for the local directory of an `s3://` output:
    /// it is this machine's scratch, and the prefix is checked instead (`RunPublication.claim`).
    static func claim(_ partition: RunPartition, output: String, checkCounts: Bool = true) throws(RunError) {
        let parts = (output as NSString).appendingPathComponent(partsDirectory)
        if checkCounts {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: parts)) ?? []
            try refuseOtherCounts(partition, names: names, parts: parts, output: output)
        }
        let directory = (parts as NSString).appendingPathComponent(partition.name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .output(path: directory, reason: "cannot create the directory: \(error.localizedDescription)")
        }
    }

    /// Refuses a partition whose count differs from those of the partitions `names` (the
    /// entries of `parts`, the output's `parts/` directory or prefix), naming them.
    static func refuseOtherCounts(_ partition: RunPartition, names: some Sequence<String>, parts: String, output: String) throws(RunError) {
        let others = names.compactMap(RunPartition.init(directoryName:)).filter { $0.count != partition.count }
        if !others.isEmpty {
            let counts = Set(others.map(\.count)).sorted().map { "\($0) partitions (\(parts)/…-of-\(String(format: "%05d", $0)))" }
            throw .partition(.countConflict(output: output, requested: partition.count, existing: counts))
        }
    }

    /// Refuses a whole run (no partition) into an output holding a split run's parts: the whole
    /// run swaps its stage directories in at the end, which would delete every part's shards.
    static func refuseWholeRun(output: String) throws(RunError) {
        let parts = (output as NSString).appendingPathComponent(partsDirectory)
        try refuseWholeRun(names: (try? FileManager.default.contentsOfDirectory(atPath: parts)) ?? [], output: output)
    }

    /// The same, given the entries of the output's `parts/` (a directory's, or a prefix's).
    static func refuseWholeRun(names: some Sequence<String>, output: String) throws(RunError) {
        let found = names.filter { RunPartition(directoryName: $0) != nil }.sorted()
        guard found.isEmpty else {
            throw .partition(.wholeRunOverParts(output: output, existing: found.map { "\(partsDirectory)/\($0)" }))
        }
    }

    /// Where a shard the partition writes in its staging directory (`samples/mds/shard.00003.mds.zstd`)
    /// belongs in the output: its dataset directory's part subdirectory
    /// (`samples/mds/part-00002-of-00004/shard.00003.mds.zstd`), where `place` moves it locally
    /// and where a partition streaming to `s3://` uploads it as soon as it closes.
    static func placedPath(ofShard relative: String, partition: RunPartition) -> String {
        let directory = (relative as NSString).deletingLastPathComponent
        let name = (relative as NSString).lastPathComponent
        return (directory.isEmpty ? "" : directory + "/") + partition.shardDirectoryName + "/" + name
    }

    /// Whether a path (relative to the output) belongs to a part rather than to the merge or a
    /// whole run: in `parts/`, or in a dataset directory's `part-…` subdirectory.
    static func isPartFile(_ relative: String) -> Bool {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        if components.count >= 2, components[0] == partsDirectory { return true }
        return components.dropLast().contains { $0.hasPrefix("part-") && RunPartition(directoryName: String($0.dropFirst(5))) != nil }
    }

    /// Whether a path in the output (relative to it) is one of the partition's files: in one of
    /// its part subdirectories, or in its run-files directory. Partitions writing side by side
    /// into one `s3://` prefix touch only their own paths.
    static func owns(_ relative: String, partition: RunPartition) -> Bool {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        if components.count >= 2, components[0] == partsDirectory { return components[1] == partition.name }
        return components.dropLast().contains { $0 == partition.shardDirectoryName }
    }

    /// Moves a finished session's staging tree into place: each dataset directory's files into
    /// `OUT/<dir>/part-…/` (swapped in whole, as a run swaps its stage directories), every other
    /// file into `runFiles/<dir>/`.
    static func place(staging: String, output: String, runFiles: String, partition: RunPartition) throws(RunError) {
        let manager = FileManager.default
        var directories = [""]
        var index = 0
        while index < directories.count {
            let relative = directories[index]
            index += 1
            let source = relative.isEmpty ? staging : (staging as NSString).appendingPathComponent(relative)
            let entries = ((try? manager.contentsOfDirectory(atPath: source)) ?? []).sorted()
            var files: [String] = []
            for entry in entries {
                var isDirectory: ObjCBool = false
                manager.fileExists(atPath: source + "/" + entry, isDirectory: &isDirectory)
                if isDirectory.boolValue {
                    directories.append(relative.isEmpty ? entry : relative + "/" + entry)
                } else {
                    files.append(entry)
                }
            }
            guard !relative.isEmpty, !files.isEmpty else { continue }
            // A dataset directory's shards, manifest and index go to its part subdirectory; the
            // reports a stage writes beside them (`judge-report.json`, `pairs-summary.json`) are
            // run files.
            var shardFiles: Set<String> = []
            do {
                if let manifest = try ShardManifest.load(from: source) {
                    shardFiles = Set(manifest.shards.map(\.file) + [ShardManifest.fileName])
                    if files.contains(MDSIndex.fileName) { shardFiles.insert(MDSIndex.fileName) }
                }
            } catch {
                throw .output(path: source, reason: "\(error)")
            }
            let runFilesHere = files.filter { !shardFiles.contains($0) }
            files = files.filter { shardFiles.contains($0) }
            do {
                if !runFilesHere.isEmpty {
                    let target = (runFiles as NSString).appendingPathComponent(relative)
                    try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
                    for file in runFilesHere {
                        try? manager.removeItem(atPath: target + "/" + file)
                        try manager.moveItem(atPath: source + "/" + file, toPath: target + "/" + file)
                    }
                }
                if !files.isEmpty {
                    let parent = (output as NSString).appendingPathComponent(relative)
                    try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                    let fresh = parent + "/.\(partition.shardDirectoryName).new-\(getpid())"
                    try? manager.removeItem(atPath: fresh)
                    try manager.createDirectory(atPath: fresh, withIntermediateDirectories: false)
                    for file in files where rename(source + "/" + file, fresh + "/" + file) != 0 {
                        throw ShardError.io(path: source + "/" + file, operation: "move into \(fresh)", errno: errno)
                    }
                    try AtomicFileWriter.sync(directory: fresh)
                    try AtomicFileWriter.replaceDirectory(parent + "/" + partition.shardDirectoryName, with: fresh)
                }
            } catch let error as ShardError {
                throw .output(path: output + "/" + relative, reason: error.description)
            } catch {
                throw .output(path: output + "/" + relative, reason: error.localizedDescription)
            }
        }
    }
}
