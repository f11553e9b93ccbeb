/// The layouts Prefab reads and writes.
public enum ShardFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Plain JSON Lines (read only).
    case jsonl
    /// zstd-compressed JSON Lines in the seekable layout, `NAME-00000.jsonl.zst`.
    case jsonlZst = "jsonl.zst"
    /// MosaicML Streaming MDS: `index.json` plus `shard.00000.mds[.zstd]`.
    case mds

    public var description: String { rawValue }

    /// Parses `jsonl`, `jsonl.zst` (or `jsonl.zstd`, `zst`) and `mds`.
    public init(parsing text: String) throws(ShardError) {
        switch text.lowercased() {
        case "jsonl": self = .jsonl
        case "jsonl.zst", "jsonl.zstd", "jsonlzst", "zst": self = .jsonlZst
        case "mds": self = .mds
        default: throw .invalidArgument("unknown format '\(text)' (use mds or jsonl.zst)")
        }
    }
}
