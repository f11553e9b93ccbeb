/// Why `prefab merge` refused, naming the partitions and files concerned.
package enum RunMergeError: Error, CustomStringConvertible, Sendable {
    /// No `OUT/parts/` with partitions in it.
    case noPartitions(output: String)
    /// `OUT/parts/` holds partitions of runs split in different counts.
    case mixedCounts(output: String, counts: [Int])
    /// Partitions missing, or not finished: `problems` says which and why, one per partition.
    case notReady(output: String, count: Int, problems: [String])
    /// Partitions made from different configs (run identities).
    case differentIdentity(output: String, groups: [String])
    /// A part's files disagree with the others' (format, compression) or cannot be read.
    case inconsistent(path: String, reason: String)
    case output(path: String, reason: String)
    case report(RunReportError)
    /// `prefab merge s3://…`: the prefix could not be read or written (credentials, bucket).
    case objectStorage(location: String, reason: String)

    package var description: String {
        switch self {
        case .noPartitions(let output):
            "\(output)/parts/ holds no partitions: run `prefab run CONFIG --partition I/N` for each partition first (docs/scale-out.md)"
        case .mixedCounts(let output, let counts):
            "\(output)/parts/ holds partitions of runs split in \(counts.map(String.init).joined(separator: " and ")) parts; remove the ones that do not belong"
        case .notReady(let output, let count, let problems):
            "\(output): not every one of the \(count) partitions has finished, so nothing was merged:\n  " + problems.joined(separator: "\n  ")
                + "\nrun the partitions named (each resumes where it stopped) and merge again"
        case .differentIdentity(let output, let groups):
            "\(output): the partitions were made from different configs (run identities), so their rows would not belong to one dataset:\n  "
                + groups.joined(separator: "\n  ") + "\nrun the odd ones again with the same config (--fresh), or merge into separate outputs"
        case .inconsistent(let path, let reason): "\(path): \(reason)"
        case .output(let path, let reason): "\(path): \(reason)"
        case .report(let error): "report: \(error)"
        case .objectStorage(let location, let reason): "\(location): \(reason)"
        }
    }
}
