import Foundation

/// The layout of a rated directory, as the sampler lays out samples: JSONL.zst in the directory
/// itself (`rated-00000.jsonl.zst`, `manifest.json`: what `prefab cat`, the pairing stage and HF
/// `datasets` read) and MDS in `DIR/mds/` for MosaicML Streaming, plus `judge-report.json`.
package enum RatedShards {
    package static let mdsDirectory = StageShards.mdsDirectory

    /// MDS columns: strings as `str`, everything nested or nullable as `json`.
    package static let layout = StageShards(basename: "rated", mdsColumns: [
        MDSColumn(name: "prompt_id", encoding: .str),
        MDSColumn(name: "source", encoding: .str),
        MDSColumn(name: "instruction", encoding: .str),
        MDSColumn(name: "messages", encoding: .json),
        MDSColumn(name: "models", encoding: .json),
        MDSColumn(name: "completions", encoding: .json),
        MDSColumn(name: "reference", encoding: .json),
        MDSColumn(name: "ensemble", encoding: .json),
        MDSColumn(name: "agreement", encoding: .json),
    ])
}
