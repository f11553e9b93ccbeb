import Foundation
import PrefabShards

/// The layout every stage's output directory shares: the records as JSONL.zst in the directory
/// itself (what `prefab cat DIR`, the next stage and HF `datasets` read) and the same records as
/// MDS in `DIR/mds/` (for MosaicML Streaming), each copy with its own `manifest.json`.
package struct StageShards: Sendable {
    package static let mdsDirectory = "mds"

    /// File name stem of the JSONL.zst shards (`NAME-00000.jsonl.zst`).
    package let basename: String
    /// The MDS copy's typed columns.
    package let mdsColumns: [MDSColumn]

    package init(basename: String, mdsColumns: [MDSColumn]) {
        self.basename = basename
        self.mdsColumns = mdsColumns
    }

    /// Writer options for each copy, recording `configHash` in the manifests. The JSONL.zst
    /// writer takes the directory itself, MDS its subdirectory. `shardSizeLimit` (nil: the
    /// writers' default, 64 MiB) also bounds memory: an MDS writer holds its current shard.
    /// `shardClosed` is told about every shard either copy finishes.
    package func writerOptions(
        configHash: String = "", compression: Compression = .zstd, shardSizeLimit: Int? = nil, shardClosed: ShardClosedObserver = .nobody
    ) -> [(directory: String, options: ShardWriterOptions)] {
        var jsonl = ShardWriterOptions(
            format: .jsonlZst, compression: compression, basename: basename, configHash: configHash, shardClosed: shardClosed)
        var mds = ShardWriterOptions(
            format: .mds, compression: compression, columns: mdsColumns, configHash: configHash, shardClosed: shardClosed)
        if let shardSizeLimit {
            jsonl.shardSizeLimit = shardSizeLimit
            mds.shardSizeLimit = shardSizeLimit
        }
        return [("", jsonl), (Self.mdsDirectory, mds)]
    }

    /// Opens both copies' writers under `directory`.
    package func makeWriter(
        directory: String, configHash: String = "", compression: Compression = .zstd, shardSizeLimit: Int? = nil,
        shardClosed: ShardClosedObserver = .nobody
    ) throws(ShardError) -> StageShardWriter {
        var writers: [any ShardWriter] = []
        do throws(ShardError) {
            for (sub, options) in writerOptions(
                configHash: configHash, compression: compression, shardSizeLimit: shardSizeLimit, shardClosed: shardClosed)
            {
                let path = sub.isEmpty ? directory : (directory as NSString).appendingPathComponent(sub)
                writers.append(try Shards.makeWriter(directory: path, options: options))
            }
        } catch {
            for writer in writers { writer.abandon() }
            throw error
        }
        return StageShardWriter(writers: writers)
    }

    /// The encoder for records: sorted keys, so the same record always gives the same bytes.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
