/// How much checking a reader does beyond parsing.
///
/// Whatever the level, a reader never hands out a record from bytes it knows are wrong, and
/// zstd frame checksums (which Prefab always writes) are always checked by libzstd.
public enum Verification: Sendable, Hashable {
    /// Structure only (plus zstd's own frame checksums).
    case minimal
    /// The default: sizes against `index.json`/`manifest.json` (catches truncation up front),
    /// every seek-table checksum of a JSONL.zst file, and for each MDS shard the cheapest hash
    /// its index lists (else its manifest SHA-256).
    case standard
    /// Everything that can be checked: every supported hash in `index.json` (of the stored and
    /// the decompressed shard) and the manifest SHA-256 of every file.
    case full
    /// Like MosaicML's `StreamingDataset(validate_hash=...)`: this hash of every MDS shard file
    /// must be listed in the index and match (plus the standard checks).
    case hash(ShardHashAlgorithm)
}
