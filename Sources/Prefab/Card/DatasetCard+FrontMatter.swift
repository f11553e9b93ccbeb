import Foundation
import PrefabShards

/// A column's type as Hugging Face `datasets` names it: what its json loader infers from the rows
/// Prefab writes, so the card's `dataset_info.features` casts without changing a value (a
/// mismatch makes `load_dataset` fail with a cast error).
package enum DatasetCardFeature: Hashable, Sendable {
    case string
    case float64
    case bool
    /// A list of `{role, content}` messages, both strings, in the rows' key order.
    case messages

    /// The YAML of one `features:` entry, indented by `indent` spaces.
    func yaml(name: String, indent: String) -> [String] {
        let head = "\(indent)- name: \(DatasetCard.quote(name))"
        switch self {
        case .string: return [head, "\(indent)  dtype: string"]
        case .float64: return [head, "\(indent)  dtype: float64"]
        case .bool: return [head, "\(indent)  dtype: bool"]
        case .messages:
            return [head, "\(indent)  list:",
                    "\(indent)  - name: role", "\(indent)    dtype: string",
                    "\(indent)  - name: content", "\(indent)    dtype: string"]
        }
    }

    /// How the card's column table names the type.
    var label: String {
        switch self {
        case .string: "string"
        case .float64: "float64"
        case .bool: "bool"
        case .messages: "list of {role, content}"
        }
    }
}

extension PairFormat {
    /// Each column with its `datasets` feature, in the rows' column order. MDS encodes the
    /// message lists and the KTO label as JSON; the JSONL rows hold them as JSON values, which
    /// the json loader reads as a list of structs and a bool.
    package var features: [(name: String, feature: DatasetCardFeature)] {
        columns.map { column in
            let feature: DatasetCardFeature = switch column.kind {
            case .string: .string
            case .number: .float64
            case .bool: .bool
            case .messages: .messages
            }
            return (column.name, feature)
        }
    }

    /// The card's tags for the trainer family the rows are laid out for.
    var cardTags: [String] {
        switch self {
        case .h4, .trl, .trlStandard: ["dpo", "preference"]
        case .kto, .ktoStandard: ["kto", "preference"]
        case .rm: ["reward-modeling", "preference"]
        case .sft: ["sft", "best-of-n"]
        }
    }
}

extension DatasetCard {
    /// The YAML front matter between `---` lines: written by hand, every string double-quoted
    /// (JSON escapes are YAML escapes), so no prompt path or model name can break its syntax.
    func frontMatter() -> String {
        var lines = ["---"]
        lines.append("# Written by Prefab \(PrefabVersion.string) (\(writer)) beside the shards; it is rewritten with them.")
        lines.append("pretty_name: \(Self.quote(title))")
        lines.append("# license: left for you to set before publishing: the prompts' and the pool models' terms decide it.")
        lines.append("task_categories:")
        lines.append("- text-generation")
        lines.append("tags:")
        for tag in ["prefab", "synthetic"] + format.cardTags { lines.append("- \(tag)") }
        lines.append("size_categories:")
        lines.append("- \(Self.sizeCategory(splits.reduce(0) { $0 + $1.rows }))")
        if !splits.isEmpty {
            lines.append("configs:")
            lines.append("- config_name: default")
            lines.append("  data_files:")
            for split in splits {
                lines.append("  - split: \(split.name)")
                lines.append("    path: \(Self.quote(split.path))")
            }
        }
        lines.append("dataset_info:")
        lines.append("  features:")
        for (name, feature) in format.features { lines += feature.yaml(name: name, indent: "  ") }
        if !splits.isEmpty {
            lines.append("  splits:")
            for split in splits {
                lines.append("  - name: \(split.name)")
                lines.append("    num_examples: \(split.rows)")
            }
        }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar: JSON string syntax, which YAML accepts as it is.
    static func quote(_ text: String) -> String {
        JSONValue.string(text).serialized()
    }

    /// The Hub's size bucket for `rows`.
    static func sizeCategory(_ rows: Int) -> String {
        let buckets: [(Int, String)] = [
            (1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
            (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
        ]
        return buckets.first { rows < $0.0 }?.1 ?? "1B<n<10B"
    }
}
