/// How a shard directory is written. One value covers both formats; options that concern only
/// one format say so.
public struct ShardWriterOptions: Sendable, Hashable {
    public var format: ShardFormat
    /// `none` or `zstd[:N]`. JSONL.zst requires zstd.
    public var compression: Compression
    /// Rotate to a new shard before it would exceed this many uncompressed bytes (MDS: the
    /// reference writer's `size_limit`, counted the same way; JSONL.zst: bytes of JSON text).
    /// A single record larger than the limit gets a shard of its own. nil: one shard.
    public var shardSizeLimit: Int?
    /// JSONL.zst: uncompressed bytes per zstd frame (frames end on line boundaries; a longer
    /// line makes a larger frame). Smaller frames: finer random access, slightly worse ratio.
    public var frameSize: Int
    /// JSONL.zst: shard files are `BASENAME-00000.jsonl.zst`.
    public var basename: String
    /// MDS: the columns. nil: inferred from the first record (strings `str`, integers `int64`,
    /// other numbers `float64`, anything else `json`).
    public var columns: [MDSColumn]?
    /// MDS: hashes recorded for every shard in `index.json` (default xxh64: cheap, and what
    /// `StreamingDataset(validate_hash="xxh64")` checks; the manifest adds SHA-256 of every file).
    public var hashes: [ShardHashAlgorithm]
    /// Recorded in `manifest.json`: a hash of the configuration that produced the data.
    public var configHash: String
    /// Check that each `write(jsonLine:)` line is a JSON object (JSONL.zst; MDS always parses).
    public var validateLines: Bool
    /// Told about each shard once its file is complete under its own name.
    public var shardClosed: ShardClosedObserver

    public static let defaultShardSizeLimit = 1 << 26
    public static let defaultFrameSize = 1 << 20

    public init(
        format: ShardFormat,
        compression: Compression = .zstd,
        shardSizeLimit: Int? = ShardWriterOptions.defaultShardSizeLimit,
        frameSize: Int = ShardWriterOptions.defaultFrameSize,
        basename: String = "data",
        columns: [MDSColumn]? = nil,
        hashes: [ShardHashAlgorithm] = [.xxh64],
        configHash: String = "",
        validateLines: Bool = true,
        shardClosed: ShardClosedObserver = .nobody
    ) {
        self.format = format
        self.compression = compression
        self.shardSizeLimit = shardSizeLimit
        self.frameSize = frameSize
        self.basename = basename
        self.columns = columns
        self.hashes = hashes
        self.configHash = configHash
        self.validateLines = validateLines
        self.shardClosed = shardClosed
    }
}
