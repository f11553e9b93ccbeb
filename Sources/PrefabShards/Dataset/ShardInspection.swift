import Foundation

/// What `prefab inspect` reports about a shard file or directory: format, shards, records,
/// sizes, compression ratio and columns.
///
/// MDS directories and Prefab JSONL.zst directories are summarised from their index and
/// manifest (reading one record for JSONL columns); a lone JSON Lines file is streamed through
/// once to count.
public struct ShardInspection: Sendable {
    public struct Shard: Sendable {
        public var file: String
        public var records: Int
        public var rawBytes: Int
        public var storedBytes: Int
        /// JSONL.zst: number of zstd frames and whether a seek table lists them.
        public var frames: Int?
        public var seekable: Bool?
    }

    public var path: String
    public var format: ShardFormat
    public var compression: String
    public var shards: [Shard]
    public var columns: [MDSColumn]
    public var manifest: ShardManifest?

    public var records: Int { shards.reduce(0) { $0 + $1.records } }
    public var rawBytes: Int { shards.reduce(0) { $0 + $1.rawBytes } }
    public var storedBytes: Int { shards.reduce(0) { $0 + $1.storedBytes } }
    /// Uncompressed over stored size (1 when uncompressed).
    public var ratio: Double { storedBytes == 0 ? 1 : Double(rawBytes) / Double(storedBytes) }

    public static func inspect(_ path: String, verification: Verification = .standard) throws(ShardError) -> ShardInspection {
        let dataset = try ShardDataset.open(path, verification: verification)
        var shards: [Shard] = []
        var columns: [MDSColumn] = []
        var compression = "none"
        if let index = dataset.mdsIndex {
            for entry in index.shards {
                shards.append(Shard(file: entry.storedFile.basename, records: entry.samples, rawBytes: entry.rawData.bytes, storedBytes: entry.storedFile.bytes))
            }
            columns = index.shards.first?.columns ?? []
            compression = index.shards.first?.compression.description ?? "none"
        } else if dataset.format == .mds {
            // A lone shard file.
            let cursor = try dataset.cursor()
            var count = 0
            while try cursor.next() != nil { count += 1 }
            let data = try MDSShardData.loadStandalone(path: dataset.files[0])
            columns = data.columns
            let stored = try ReadableFile(path: dataset.files[0]).size
            shards.append(Shard(file: URL(fileURLWithPath: dataset.files[0]).lastPathComponent, records: count, rawBytes: data.byteCount, storedBytes: stored))
            compression = data.byteCount == stored ? "none" : "zstd"
        } else {
            for file in dataset.files {
                let name = dataset.relativeName(of: file)
                let reader = try JSONLFileReader(path: file, verification: verification, manifestEntry: dataset.manifestEntry(for: file))
                let stored = try ReadableFile(path: file).size
                var frames = reader.seekTable?.entries.count
                if let entry = dataset.manifestEntry(for: file), dataset.mdsIndex == nil, dataset.manifest != nil {
                    shards.append(Shard(file: name, records: entry.records, rawBytes: entry.rawBytes, storedBytes: stored, frames: frames, seekable: reader.seekTable != nil))
                } else {
                    var count = 0
                    while try reader.nextLine() != nil { count += 1 }
                    if frames == nil, reader.isCompressed { frames = reader.framesDecoded }
                    shards.append(Shard(file: name, records: count, rawBytes: reader.decodedBytes, storedBytes: stored,
                                        frames: reader.isCompressed ? frames : nil, seekable: reader.isCompressed ? reader.seekTable != nil : nil))
                }
                if reader.isCompressed { compression = "zstd" }
            }
            if let manifest = dataset.manifest { compression = manifest.compression }
            if let first = try dataset.cursor().next() { columns = MDSColumn.inferred(from: first) }
        }
        return ShardInspection(path: dataset.path, format: dataset.format, compression: compression, shards: shards, columns: columns, manifest: dataset.manifest)
    }

    /// The human-readable report `prefab inspect` prints.
    public var report: String {
        var lines: [String] = []
        lines.append("path:        \(path)")
        lines.append("format:      \(format)")
        lines.append("compression: \(compression)")
        lines.append("shards:      \(shards.count)")
        lines.append("records:     \(records)")
        lines.append("raw bytes:   \(rawBytes) (\(Self.human(rawBytes)))")
        lines.append("stored:      \(storedBytes) (\(Self.human(storedBytes)))")
        lines.append("ratio:       \(String(format: "%.2f", ratio))×")
        if let manifest {
            lines.append("written by:  prefab \(manifest.toolVersion)\(manifest.configHash.isEmpty ? "" : ", config \(manifest.configHash)")")
        }
        let label = format == .mds ? "columns:" : "columns (first record):"
        lines.append(label)
        for column in columns { lines.append("  \(column.name): \(column.encoding)") }
        lines.append("shard files:")
        for shard in shards {
            var line = "  \(shard.file)  records \(shard.records)  raw \(shard.rawBytes)  stored \(shard.storedBytes)"
            if let frames = shard.frames { line += "  frames \(frames)\(shard.seekable == true ? " (seekable)" : "")" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func human(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

extension ShardInspection {
    /// The summary as JSON (`prefab inspect --json`).
    public var json: JSONObject {
        [
            "path": .string(path),
            "format": .string(format.rawValue),
            "compression": .string(compression),
            "records": .int(Int64(records)),
            "raw_bytes": .int(Int64(rawBytes)),
            "stored_bytes": .int(Int64(storedBytes)),
            "ratio": .double(ratio),
            "columns": .array(columns.map { ["name": .string($0.name), "encoding": .string($0.encoding.rawValue)] }),
            "shards": .array(shards.map { shard in
                var object: JSONObject = [
                    "file": .string(shard.file), "records": .int(Int64(shard.records)),
                    "raw_bytes": .int(Int64(shard.rawBytes)), "stored_bytes": .int(Int64(shard.storedBytes)),
                ]
                if let frames = shard.frames { object["frames"] = .int(Int64(frames)) }
                if let seekable = shard.seekable { object["seekable"] = .bool(seekable) }
                return .object(object)
            }),
        ]
    }
}
