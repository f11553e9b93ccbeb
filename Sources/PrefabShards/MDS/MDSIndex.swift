import Foundation

/// An MDS `index.json`: the shard list MosaicML Streaming reads before anything else.
///
/// Serialised exactly as the reference writer does (`json.dumps(obj, sort_keys=True)`), and
/// each shard entry has exactly the keys the reference reader accepts as keyword arguments.
public struct MDSIndex: Sendable, Equatable {
    public static let fileName = "index.json"

    /// `raw_data` / `zip_data`: a file's name, size and hashes.
    public struct FileInfo: Sendable, Equatable {
        public var basename: String
        public var bytes: Int
        /// Algorithm name → lowercase hex (names as written, including ones Prefab cannot compute).
        public var hashes: [String: String]

        public init(basename: String, bytes: Int, hashes: [String: String]) {
            self.basename = basename
            self.bytes = bytes
            self.hashes = hashes
        }
    }

    public struct Shard: Sendable, Equatable {
        /// Sorted by name, as the reference writer stores them.
        public var columns: [MDSColumn]
        public var compression: Compression
        public var hashes: [String]
        public var sizeLimit: Int?
        public var samples: Int
        public var rawData: FileInfo
        public var zipData: FileInfo?

        public init(columns: [MDSColumn], compression: Compression, hashes: [String], sizeLimit: Int?, samples: Int, rawData: FileInfo, zipData: FileInfo?) {
            self.columns = columns
            self.compression = compression
            self.hashes = hashes
            self.sizeLimit = sizeLimit
            self.samples = samples
            self.rawData = rawData
            self.zipData = zipData
        }

        /// The file that holds the shard on disk (compressed when compressed).
        public var storedFile: FileInfo { zipData ?? rawData }
    }

    public var shards: [Shard]

    public init(shards: [Shard]) {
        self.shards = shards
    }

    public var sampleCount: Int { shards.reduce(0) { $0 + $1.samples } }

    // MARK: writing

    /// The shard config the reference writer embeds in every shard file and repeats in the index.
    static func config(columns: [MDSColumn], compression: Compression, hashes: [String], sizeLimit: Int?) -> JSONObject {
        [
            "column_encodings": .array(columns.map { .string($0.encoding.rawValue) }),
            "column_names": .array(columns.map { .string($0.name) }),
            "column_sizes": .array(columns.map { $0.encoding.fixedSize.map { .int(Int64($0)) } ?? .null }),
            "compression": compression.mdsName.map(JSONValue.string) ?? .null,
            "format": "mds",
            "hashes": .array(hashes.map(JSONValue.string)),
            "size_limit": sizeLimit.map { .int(Int64($0)) } ?? .null,
            "version": 2,
        ]
    }

    private static func json(_ info: FileInfo) -> JSONValue {
        [
            "basename": .string(info.basename),
            "bytes": .int(Int64(info.bytes)),
            "hashes": .object(JSONObject(info.hashes.map { ($0.key, JSONValue.string($0.value)) })),
        ]
    }

    public var json: JSONObject {
        let entries: [JSONValue] = shards.map { shard in
            var object = Self.config(columns: shard.columns, compression: shard.compression, hashes: shard.hashes, sizeLimit: shard.sizeLimit)
            object["samples"] = .int(Int64(shard.samples))
            object["raw_data"] = Self.json(shard.rawData)
            object["zip_data"] = shard.zipData.map(Self.json) ?? .null
            return .object(object)
        }
        return ["shards": .array(entries), "version": 2]
    }

    /// The exact bytes the reference writer would produce.
    public var serialized: [UInt8] {
        json.serializedBytes(style: .pythonSortedKeys)
    }

    // MARK: reading

    public static func load(from directory: String) throws(ShardError) -> MDSIndex {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else {
            throw .invalidIndex(path: path, reason: "missing: not an MDS directory, or its writer did not finish")
        }
        let object = try ReadableFile.indexObject(at: path)
        return try MDSIndex(json: object, path: path)
    }

    init(json: JSONObject, path: String) throws(ShardError) {
        guard let version = json["version"]?.intValue, version == 2 else {
            throw .invalidIndex(path: path, reason: "unsupported index version \(json["version"].map { "\($0)" } ?? "(missing)"); expected 2")
        }
        guard let entries = json["shards"]?.arrayValue else {
            throw .invalidIndex(path: path, reason: "missing \"shards\" list")
        }
        var shards: [Shard] = []
        for (position, entry) in entries.enumerated() {
            guard let object = entry.objectValue else {
                throw .invalidIndex(path: path, reason: "shard \(position) is not an object")
            }
            shards.append(try Self.shard(object, position: position, path: path))
        }
        self.shards = shards
    }

    /// Parses a shard entry, or the config embedded in a shard file (which lacks samples and files).
    static func shard(_ object: JSONObject, position: Int, path: String, embedded: Bool = false) throws(ShardError) -> Shard {
        func fail(_ reason: String) -> ShardError {
            .invalidIndex(path: path, reason: embedded ? "shard config: \(reason)" : "shard \(position): \(reason)")
        }
        guard object["format"]?.stringValue == "mds" else {
            throw .unsupported(path: path, reason: "shard \(position) has format \(object["format"].map { "\($0)" } ?? "(missing)"); Prefab reads MDS")
        }
        guard let names = object["column_names"]?.arrayValue?.compactMap(\.stringValue),
            let encodings = object["column_encodings"]?.arrayValue?.compactMap(\.stringValue),
            names.count == encodings.count
        else {
            throw fail("column_names and column_encodings must be lists of strings of the same length")
        }
        var columns: [MDSColumn] = []
        for (name, encodingName) in zip(names, encodings) {
            guard let encoding = MDSEncoding(rawValue: encodingName) else {
                throw .unsupported(path: path, reason: "column \"\(name)\" uses encoding \"\(encodingName)\", which Prefab does not read")
            }
            columns.append(MDSColumn(name: name, encoding: encoding))
        }
        if let sizes = object["column_sizes"]?.arrayValue {
            guard sizes.count == columns.count else { throw fail("column_sizes has \(sizes.count) entries for \(columns.count) columns") }
            for (column, size) in zip(columns, sizes) where size.intValue.map(Int.init) != column.encoding.fixedSize {
                throw fail("column \"\(column.name)\" (\(column.encoding)) has size \(size), expected \(column.encoding.fixedSize.map(String.init) ?? "null")")
            }
        }
        let compression: Compression
        switch object["compression"] {
        case nil, .null?: compression = .none
        case .string(let name)?:
            do {
                compression = try Compression(parsing: name)
            } catch {
                throw .unsupported(path: path, reason: "shard \(position) uses compression \"\(name)\"; Prefab reads zstd and uncompressed shards")
            }
        default: throw fail("compression must be a string or null")
        }
        let hashes = object["hashes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let sizeLimit = object["size_limit"]?.intValue.map(Int.init)
        if embedded {
            return Shard(columns: columns, compression: compression, hashes: hashes, sizeLimit: sizeLimit, samples: 0,
                         rawData: FileInfo(basename: "", bytes: 0, hashes: [:]), zipData: nil)
        }
        guard let samples = object["samples"]?.intValue, samples >= 0 else { throw fail("missing sample count") }
        func fileInfo(_ value: JSONValue?, _ key: String) throws(ShardError) -> FileInfo? {
            guard let value, !value.isNull else { return nil }
            guard let info = value.objectValue, let basename = info["basename"]?.stringValue,
                let bytes = info["bytes"]?.intValue, bytes >= 0
            else {
                throw fail("\(key) needs basename and bytes")
            }
            guard ShardManifest.isInsideDirectory(basename) else {
                throw fail("\(key) basename \"\(basename)\" must be a file name inside the directory (or a partition's subdirectory)")
            }
            var hashes: [String: String] = [:]
            for (name, digest) in info["hashes"]?.objectValue ?? JSONObject() {
                if let text = digest.stringValue { hashes[name] = text }
            }
            return FileInfo(basename: basename, bytes: Int(bytes), hashes: hashes)
        }
        guard let raw = try fileInfo(object["raw_data"], "raw_data") else { throw fail("missing raw_data") }
        let zip = try fileInfo(object["zip_data"], "zip_data")
        if compression.isCompressed, zip == nil { throw fail("compressed shard without zip_data") }
        return Shard(columns: columns, compression: compression, hashes: hashes, sizeLimit: sizeLimit, samples: Int(samples), rawData: raw, zipData: compression.isCompressed ? zip : nil)
    }
}
