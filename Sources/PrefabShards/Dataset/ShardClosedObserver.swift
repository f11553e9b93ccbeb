/// Told about each shard file a writer has finished: written in full, synced and renamed to its
/// own name, so whoever is told may read, upload or delete it at once.
///
/// A writer that streams its shards somewhere else (an `s3://` output uploads each shard as it
/// closes) needs to know when one is done; looking at the directory after every record costs
/// a scan per record and cannot see a shard a background queue is still finishing (MDS and
/// JSONL.zst commit their files on their own queues). The writer calls `notify` from the thread
/// that renamed the file, after the rename, once per shard, in the order the shards were cut;
/// `finish()` returns only after the last call. The index files (`index.json`,
/// `manifest.json`) are not shards and are not reported.
///
/// Part of `ShardWriterOptions` but left out of its equality and hash (every observer equals
/// every other, and the options hold `nobody` rather than nil): it observes the dataset, it
/// does not shape it.
public struct ShardClosedObserver: Sendable, Hashable {
    /// A finished shard file.
    public struct Shard: Sendable {
        /// The file's full path (the writer's directory and the shard's name).
        public var path: String
        public var bytes: Int
        /// SHA-256 of the file's bytes, lowercase hex, as the manifest lists it.
        public var sha256: String

        public init(path: String, bytes: Int, sha256: String) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    public let notify: @Sendable (Shard) -> Void

    public init(_ notify: @escaping @Sendable (Shard) -> Void) {
        self.notify = notify
    }

    /// Nobody is told (the default).
    public static let nobody = ShardClosedObserver { _ in }

    public static func == (lhs: Self, rhs: Self) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
