import Foundation
import PrefabLLM
import PrefabShards

extension RunSetup {
    /// This setup for one partition of the run (nil: the whole run). Its response cache is a
    /// file of its own (`cache.part-00002-of-00004.sqlite` beside the configured one), so no
    /// SQLite file is ever opened by two processes; so is its journal.
    package func partitioned(_ partition: RunPartition?) -> RunSetup {
        var copy = self
        if let old = self.partition { copy.cachePath = Self.unsuffixed(cachePath, old) }
        copy.partition = partition
        if let partition { copy.cachePath = Self.suffixed(copy.cachePath, partition) }
        return copy
    }

    /// This setup with its journal at `path` (`--journal`): a `.sqlite` file, or a directory.
    package func journal(at path: String) -> RunSetup {
        var copy = self
        copy.journalSetting = URL(fileURLWithPath: path).standardizedFileURL.path
        return copy
    }

    /// Where the partition's run files go (summary, failures, agreement): `OUT/parts/00002-of-00004`;
    /// the output directory itself for a whole run.
    package var runFilesDirectory: String {
        guard let partition else { return outputDirectory }
        return (outputDirectory as NSString).appendingPathComponent("\(RunPartitionLayout.partsDirectory)/\(partition.name)")
    }

    /// Where the partition's run files are published: `runFilesDirectory`, or its place under
    /// an `s3://` output (`s3://bucket/run/parts/00002-of-00004`).
    package var runFilesLocation: String {
        guard let location = outputLocation, let partition else { return runFilesDirectory }
        return (location.hasSuffix("/") ? location : location + "/") + "\(RunPartitionLayout.partsDirectory)/\(partition.name)"
    }

    /// The budget this process may spend: the run's, or its partition's share of it.
    package var processBudget: Budget {
        let budget = configuration.budget
        guard let partition, partition.count > 1, configuration.budgetSplit == .even else { return budget }
        let n = partition.count
        return Budget(
            maxRequests: budget.maxRequests.map { $0 / n },
            maxTokens: budget.maxTokens.map { $0 / n },
            maxCost: budget.maxCost.map { $0 / Double(n) })
    }

    /// The default journal's file name: the output's name and a digest of its path, and the
    /// partition's name for a partitioned run.
    var defaultJournalName: String {
        let name = (outputDirectory as NSString).lastPathComponent
        let tag = Digest.sha256Hex(Data(outputDirectory.utf8)).prefix(12)
        return "\(name)-\(tag)\(partition.map { "-part-\($0.name)" } ?? "").sqlite"
    }

    /// A `journal:` setting: a `.sqlite` file (a partition inserts its name before the
    /// extension, so the partitions sharing one config never share one database), or a
    /// directory holding journals named as by default.
    static func journalPath(setting: String, defaultName: String, partition: RunPartition?) -> String {
        guard setting.hasSuffix(".sqlite") else { return (setting as NSString).appendingPathComponent(defaultName) }
        guard let partition else { return setting }
        return suffixed(setting, partition)
    }

    /// `a/cache.sqlite` → `a/cache.part-00002-of-00004.sqlite`.
    static func suffixed(_ path: String, _ partition: RunPartition) -> String {
        let ext = (path as NSString).pathExtension
        let stem = (path as NSString).deletingPathExtension
        return stem + ".part-" + partition.name + (ext.isEmpty ? "" : "." + ext)
    }

    static func unsuffixed(_ path: String, _ partition: RunPartition) -> String {
        path.replacingOccurrences(of: ".part-" + partition.name, with: "")
    }
}
