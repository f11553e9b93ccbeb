import Foundation

/// The layout of a rated directory, as the sampler lays out samples: JSONL.zst in the directory
/// itself (`rated-00000.jsonl.zst`, `manifest.json`: what `prefab cat`, the pairing stage and HF
/// `datasets` read) and MDS in `DIR/mds/` for MosaicML Streaming, plus `judge-report.json`.
package enum RatedShards {
    package static let mdsDirectory = StageShards.mdsDirectory

    /// MDS columns come from `RatedRecord`'s coding keys.
    package static let layout = StageShards(basename: "rated", mdsColumns: RatedRecord.mdsColumns)
}
