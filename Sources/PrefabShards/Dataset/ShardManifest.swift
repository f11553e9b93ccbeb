import Foundation

/// Prefab's `manifest.json`: what made a shard directory and what it must contain.
///
/// Written last (after every shard and the MDS index), atomically, so its presence means the
/// directory is complete. Readers use it to find JSONL.zst shards in order, to check each
/// shard's size up front (a truncated shard is caught before reading) and, when asked, its
/// SHA-256.
public struct ShardManifest: Sendable, Equatable {
    public static let fileName = "manifest.json"
    public static let currentVersion = 1

    public struct Shard: Sendable, Equatable {
        /// File name inside the directory.
        public var file: String
        /// Size on disk.
        public var bytes: Int
        /// Uncompressed size (the `.mds` or the JSON Lines text).
        public var rawBytes: Int
        public var records: Int
        /// Lowercase hex SHA-256 of the file on disk.
        public var sha256: String

        public init(file: String, bytes: Int, rawBytes: Int, records: Int, sha256: String) {
            self.file = file
            self.bytes = bytes
            self.rawBytes = rawBytes
            self.records = records
            self.sha256 = sha256
        }
    }

    public var format: ShardFormat
    public var toolVersion: String
    /// Hash of the configuration that produced the data (given by the caller; empty when none).
    public var configHash: String
    public var compression: String
    public var recordCount: Int
    public var shards: [Shard]

    public init(format: ShardFormat, configHash: String, compression: Compression, shards: [Shard], toolVersion: String = PrefabVersion.string) {
        self.format = format
        self.toolVersion = toolVersion
        self.configHash = configHash
        self.compression = compression.description
        self.shards = shards
        recordCount = shards.reduce(0) { $0 + $1.records }
    }

    public var json: JSONObject {
        [
            "manifest_version": .int(Int64(Self.currentVersion)),
            "tool": "prefab",
            "tool_version": .string(toolVersion),
            "format": .string(format.rawValue),
            "config_hash": .string(configHash),
            "compression": .string(compression),
            "records": .int(Int64(recordCount)),
            "shards": .array(shards.map { shard in
                [
                    "file": .string(shard.file),
                    "bytes": .int(Int64(shard.bytes)),
                    "raw_bytes": .int(Int64(shard.rawBytes)),
                    "records": .int(Int64(shard.records)),
                    "sha256": .string(shard.sha256),
                ]
            }),
        ]
    }

    /// Writes `manifest.json` into `directory` atomically.
    public func write(to directory: String) throws(ShardError) {
        var bytes = json.serializedBytes(style: .pretty)
        bytes.append(UInt8(ascii: "\n"))
        try AtomicFileWriter.write(bytes, to: directory + "/" + Self.fileName)
    }

    /// Reads `directory/manifest.json`; nil when there is none.
    public static func load(from directory: String) throws(ShardError) -> ShardManifest? {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let object = try ReadableFile.indexObject(at: path)
        return try ShardManifest(json: object, path: path)
    }

    init(json: JSONObject, path: String) throws(ShardError) {
        func field<T>(_ name: String, _ extract: (JSONValue) -> T?, in object: JSONObject, what: String = "") throws(ShardError) -> T {
            guard let value = object[name], let typed = extract(value) else {
                throw .invalidIndex(path: path, reason: "missing or invalid \"\(name)\"\(what)")
            }
            return typed
        }
        let formatName: String = try field("format", \.stringValue, in: json)
        guard let format = ShardFormat(rawValue: formatName) else {
            throw .invalidIndex(path: path, reason: "unknown format \"\(formatName)\"")
        }
        self.format = format
        toolVersion = try field("tool_version", \.stringValue, in: json)
        configHash = try field("config_hash", \.stringValue, in: json)
        compression = try field("compression", \.stringValue, in: json)
        recordCount = Int(try field("records", \.intValue, in: json))
        let entries: [JSONValue] = try field("shards", \.arrayValue, in: json)
        var shards: [Shard] = []
        for (position, entry) in entries.enumerated() {
            guard let object = entry.objectValue else {
                throw .invalidIndex(path: path, reason: "shard \(position) is not an object")
            }
            let what = " in shard \(position)"
            let file: String = try field("file", \.stringValue, in: object, what: what)
            guard Self.isInsideDirectory(file) else {
                throw .invalidIndex(path: path, reason: "shard file name \"\(file)\" must be a name inside the directory (or a partition's subdirectory)")
            }
            shards.append(Shard(
                file: file,
                bytes: Int(try field("bytes", \.intValue, in: object, what: what)),
                rawBytes: Int(try field("raw_bytes", \.intValue, in: object, what: what)),
                records: Int(try field("records", \.intValue, in: object, what: what)),
                sha256: try field("sha256", \.stringValue, in: object, what: what)
            ))
        }
        self.shards = shards
        let sum = shards.reduce(0) { $0 + $1.records }
        guard sum == recordCount else {
            throw .invalidIndex(path: path, reason: "records is \(recordCount) but the shards hold \(sum)")
        }
    }

    /// Whether a shard's name stays inside its directory: a plain name, or a relative path into
    /// subdirectories (a merged run's root index names `part-00002-of-00004/shard.00000.mds`,
    /// as MosaicML's `merge_index` does), with no component that is empty or starts with `.`
    /// (so no `..`, no hidden files, no absolute path).
    public static func isInsideDirectory(_ name: String) -> Bool {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        return !components.isEmpty && components.allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") }
    }

    public func shard(named file: String) -> Shard? {
        shards.first { $0.file == file }
    }
}
