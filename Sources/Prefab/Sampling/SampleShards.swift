import Foundation
import PrefabShards

/// The layout of a samples directory: the same records twice, as JSONL.zst in the directory
/// itself (`manifest.json`, `samples-00000.jsonl.zst`, ...: what `prefab cat DIR`, the judge
/// stage and HF `datasets` read) and as MDS in `DIR/mds/` (`index.json`, for MosaicML
/// Streaming), each with its own `manifest.json`.
package enum SampleShards {
    package static let mdsDirectory = StageShards.mdsDirectory

    /// MDS columns come from `SampleRecord`'s coding keys.
    package static let layout = StageShards(basename: "samples", mdsColumns: SampleRecord.mdsColumns)

    /// Opens samples for reading: a samples directory (its JSONL.zst copy), its `mds/` copy, or
    /// any shard path `Shards.open` reads.
    package static func open(_ path: String) throws(ShardError) -> ShardDataset {
        try Shards.open(path)
    }

    /// Every samples record under `path`, decoded, in order.
    package static func records(_ path: String) throws -> [SampleRecord] {
        let cursor = try open(path).cursor()
        let decoder = JSONDecoder()
        var records: [SampleRecord] = []
        while let data = try cursor.nextJSON({ bytes throws(ShardError) in Data(bytes) }) {
            records.append(try decoder.decode(SampleRecord.self, from: data))
        }
        return records
    }
}
