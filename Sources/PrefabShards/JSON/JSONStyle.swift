/// How JSON text is laid out when Prefab writes it.
///
/// Two layouts matter: compact UTF-8 for JSONL lines (smallest, what most tools write), and
/// Python's `json.dumps` defaults (`", "`/`": "`, non-ASCII as `\uXXXX`), which the MDS `json`
/// column and `index.json` need for byte-identical shards against the reference writer.
public struct JSONStyle: Sendable, Hashable {
    /// Escape every non-ASCII character as `\uXXXX` (surrogate pairs above U+FFFF), like
    /// Python's `ensure_ascii=True`.
    public var asciiOnly: Bool
    /// Order object members by key (Unicode code point order, like Python's `sort_keys=True`).
    public var sortKeys: Bool
    /// Put a space after `,` and `:` (Python's default separators).
    public var spaced: Bool
    /// Indent nested values by this many spaces, one member per line; nil for a single line.
    public var indent: Int?

    public init(asciiOnly: Bool = false, sortKeys: Bool = false, spaced: Bool = false, indent: Int? = nil) {
        self.asciiOnly = asciiOnly
        self.sortKeys = sortKeys
        self.spaced = spaced
        self.indent = indent
    }

    /// `{"a":1,"b":"é"}`: JSONL lines.
    public static let compact = JSONStyle()
    /// Python `json.dumps(value)`: `{"a": 1, "b": "\u00e9"}`.
    public static let python = JSONStyle(asciiOnly: true, spaced: true)
    /// Python `json.dumps(value, sort_keys=True)`: MDS `index.json` and the shard config.
    public static let pythonSortedKeys = JSONStyle(asciiOnly: true, sortKeys: true, spaced: true)
    /// Sorted keys, two-space indent, UTF-8: files people read (`manifest.json`).
    public static let pretty = JSONStyle(sortKeys: true, spaced: true, indent: 2)
}
