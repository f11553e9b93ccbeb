import Foundation

/// The layout of a rated directory, as the sampler lays out samples: JSONL.zst in the directory
/// itself (`rated-00000.jsonl.zst`, `manifest.json`: what `prefab cat`, the pairing stage and HF
/// `datasets` read) and MDS in `DIR/mds/` for MosaicML Streaming, plus `judge-report.json`.
public enum RatedShards {
    public static let mdsDirectory = "mds"
    public static let basename = "rated"

    /// MDS columns: strings as `str`, everything nested or nullable as `json`.
    public static let mdsColumns: [MDSColumn] = [
        MDSColumn(name: "prompt_id", encoding: .str),
        MDSColumn(name: "source", encoding: .str),
        MDSColumn(name: "instruction", encoding: .str),
        MDSColumn(name: "messages", encoding: .json),
        MDSColumn(name: "models", encoding: .json),
        MDSColumn(name: "completions", encoding: .json),
        MDSColumn(name: "reference", encoding: .json),
        MDSColumn(name: "ensemble", encoding: .json),
        MDSColumn(name: "agreement", encoding: .json),
    ]

    /// Writer options for each format: the JSONL.zst writer takes the (empty) directory itself,
    /// MDS its subdirectory.
    public static func writerOptions(configHash: String = "") -> [(directory: String, options: ShardWriterOptions)] {
        [
            ("", ShardWriterOptions(format: .jsonlZst, basename: basename, configHash: configHash)),
            (mdsDirectory, ShardWriterOptions(format: .mds, columns: mdsColumns, configHash: configHash)),
        ]
    }

    /// Sorted keys, so the same record always gives the same bytes.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
