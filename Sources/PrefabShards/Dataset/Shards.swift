/// The front door of the shard layer: open something to read, or start writing a directory.
///
/// ```swift
/// let dataset = try Shards.open("pairs/")            // MDS, JSONL.zst, or a .jsonl file
/// for try await record in dataset.records() { … }
///
/// let writer = try Shards.makeWriter(directory: "out", options: .init(format: .mds))
/// try writer.write(record)
/// try writer.finish()
/// ```
public enum Shards {
    /// Opens a shard file or directory in any supported format (see `ShardDataset`).
    public static func open(_ path: String, verification: Verification = .standard) throws(ShardError) -> ShardDataset {
        try ShardDataset.open(path, verification: verification)
    }

    /// Creates a writer for `options.format` in `directory` (created; must be absent or empty).
    public static func makeWriter(directory: String, options: ShardWriterOptions) throws(ShardError) -> any ShardWriter {
        switch options.format {
        case .mds: return try MDSWriter(directory: directory, options: options)
        case .jsonlZst: return try JSONLZstWriter(directory: directory, options: options)
        case .jsonl: throw .invalidArgument("Prefab writes mds or jsonl.zst shards, not plain jsonl")
        }
    }
}
