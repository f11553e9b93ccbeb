import Foundation

/// `OUT/parts/00002-of-00004/partition.json`: which run a partition belongs to and whether it
/// finished. Written as `running` when a session starts, so a task killed mid-run leaves a
/// partition the merge sees as unfinished, and rewritten when the session ends.
package struct RunPartitionState: Codable, Hashable, Sendable {
    package enum Status: String, Codable, Hashable, Sendable {
        /// A session started and has not ended (or was killed).
        case running
        /// Every prompt of the partition is done or failed (failures are listed, as in any run).
        case complete
        /// The session ended early: budget, interruption, or an endpoint refusing every call.
        case stopped
    }

    package var index: Int
    package var count: Int
    /// `RunSetup.identity`: the merge refuses parts of different configs.
    package var identity: String
    package var status: Status
    /// How this session's partition was chosen (`--partition 2/4`, `SLURM_ARRAY_TASK_ID=2 ...`).
    package var source: String
    package var prompts: Int?
    package var done: Int?
    package var failed: Int?
    /// Host and process of the last session, for whoever reads a stuck `running`.
    package var host: String
    package var pid: Int32

    package init(partition: RunPartition, identity: String, status: Status, source: String) {
        index = partition.index
        count = partition.count
        self.identity = identity
        self.status = status
        self.source = source
        host = ProcessInfo.processInfo.hostName
        pid = getpid()
    }

    static func path(runFiles: String) -> String {
        (runFiles as NSString).appendingPathComponent(RunPartitionLayout.stateName)
    }

    package static func load(runFiles: String) throws -> RunPartitionState? {
        let path = path(runFiles: runFiles)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try JSONDecoder().decode(RunPartitionState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
