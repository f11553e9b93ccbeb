import Foundation

/// Writes records as MosaicML Streaming MDS shards (`specs/mds.md`), byte for byte as the
/// reference `MDSWriter` lays them out, plus Prefab's `manifest.json`.
///
/// A shard is built in memory (at most `shardSizeLimit` bytes, 64 MiB by default), then
/// compressed as one zstd frame that declares its content size (streamed to the file, so the
/// compressed copy is never held whole), hashed, and renamed into place. `index.json` and the
/// manifest are written last.
public final class MDSWriter: ShardWriter {
    public let directory: String
    public var format: ShardFormat { .mds }
    public private(set) var recordCount = 0
    /// The columns in shard order (sorted by name); nil until inferred from the first record.
    public private(set) var columns: [MDSColumn]?

    private let options: ShardWriterOptions
    private let hashNames: [String]
    private let compressor: ZstdCompressor?
    private var config: [UInt8] = []
    private var variableColumns = 0
    /// Samples of the shard being built, back to back, and where each ends.
    private var data: [UInt8] = []
    private var sampleEnds: [Int] = []
    private var scratch: [UInt8] = []
    private var outputScratch: [UInt8]
    private var index = MDSIndex(shards: [])
    private var manifestShards: [ShardManifest.Shard] = []
    private var closed = false

    /// Creates `directory` (it must be absent or empty) and prepares to write.
    public init(directory: String, options: ShardWriterOptions) throws(ShardError) {
        if let limit = options.shardSizeLimit, limit <= 0 || limit >= 1 << 32 {
            throw .invalidArgument("MDS size limit must be between 1 byte and 4 GiB (offsets are 32-bit)")
        }
        for hash in options.hashes where !hash.isSupported {
            throw .invalidArgument("hash '\(hash)' is not supported by Prefab")
        }
        try OutputDirectory.prepare(directory)
        self.directory = directory
        self.options = options
        hashNames = Array(Set(options.hashes.map(\.rawValue))).sorted()
        compressor = options.compression.isCompressed ? ZstdCompressor(level: options.compression.level) : nil
        outputScratch = [UInt8](repeating: 0, count: ZstdCompressor.recommendedOutputSize)
        if let columns = options.columns {
            try setColumns(columns)
        }
    }

    private func setColumns(_ given: [MDSColumn]) throws(ShardError) {
        guard !given.isEmpty else { throw .invalidArgument("an MDS dataset needs at least one column") }
        var names = Set<String>()
        for column in given where !names.insert(column.name).inserted {
            throw .invalidArgument("column '\(column.name)' is listed twice")
        }
        let sorted = given.sorted { JSONSerializer.codePointLess($0.name, $1.name) }
        columns = sorted
        variableColumns = sorted.filter { $0.encoding.fixedSize == nil }.count
        config = MDSIndex.config(columns: sorted, compression: options.compression, hashes: hashNames, sizeLimit: options.shardSizeLimit)
            .serializedBytes(style: .pythonSortedKeys)
    }

    public func write(_ record: JSONObject) throws(ShardError) {
        guard !closed else { throw .writerClosed(path: directory) }
        if columns == nil { try setColumns(MDSColumn.inferred(from: record)) }
        try encode(record)
        do {
            try append()
        } catch {
            closed = true
            throw error
        }
    }

    public func write(jsonLine: UnsafeRawBufferPointer) throws(ShardError) {
        let record: JSONObject
        do {
            record = try JSONObject(parsing: jsonLine)
        } catch {
            throw .invalidJSON(path: directory, position: .record(recordCount + 1), reason: error.description)
        }
        try write(record)
    }

    /// Encodes `record` into `scratch`: a u32 length per variable-width column, then the values.
    private func encode(_ record: JSONObject) throws(ShardError) {
        let columns = columns!
        let position = RecordPosition.record(recordCount + 1)
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: repeatElement(0, count: 4 * variableColumns))
        var variable = 0
        for column in columns {
            guard let value = record[column.name] else {
                throw .invalidRecord(path: directory, position: position, field: column.name,
                                     reason: "missing (the MDS columns are \(columns.map(\.name).joined(separator: ", ")))")
            }
            let start = scratch.count
            do {
                try column.encoding.encode(value, into: &scratch)
            } catch {
                throw .invalidRecord(path: directory, position: position, field: column.name, reason: error.reason)
            }
            if column.encoding.fixedSize == nil {
                let length = scratch.count - start
                guard length < Int(UInt32.max) else {
                    throw .invalidRecord(path: directory, position: position, field: column.name, reason: "value over 4 GiB")
                }
                withUnsafeBytes(of: UInt32(length).littleEndian) { bytes in
                    for offset in 0..<4 { scratch[variable * 4 + offset] = bytes[offset] }
                }
                variable += 1
            }
        }
        if record.count != columns.count {
            let extra = record.keys.first { key in !columns.contains { $0.name == key } } ?? "?"
            throw .invalidRecord(path: directory, position: position, field: extra,
                                 reason: "not one of the MDS columns (\(columns.map(\.name).joined(separator: ", ")))")
        }
    }

    /// Adds the encoded sample to the current shard, first flushing the shard if the sample
    /// would push it past the limit (counted as the reference writer counts: header + config +
    /// every sample and its 4-byte offset). Like the reference, a first sample larger than the
    /// limit flushes an empty shard before it.
    private func append() throws(ShardError) {
        let sampleSize = scratch.count + 4
        if let limit = options.shardSizeLimit {
            let shardSize = 8 + config.count + data.count + 4 * sampleEnds.count
            if limit < shardSize + sampleSize { try flushShard() }
        }
        data.append(contentsOf: scratch)
        sampleEnds.append(data.count)
        recordCount += 1
    }

    private func flushShard() throws(ShardError) {
        let number = index.shards.count
        let count = sampleEnds.count
        let headerSize = 4 + 4 * (count + 1) + config.count
        let total = headerSize + data.count
        guard total <= Int(UInt32.max) else {
            throw .invalidRecord(path: directory, position: .record(recordCount + 1), field: nil,
                                 reason: "shard \(number) would be \(total) bytes; MDS offsets are 32-bit (set a size limit)")
        }
        var header: [UInt8] = []
        header.reserveCapacity(headerSize)
        func append32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { header.append(contentsOf: $0) } }
        append32(count)
        append32(headerSize)
        for end in sampleEnds { append32(headerSize + end) }
        header.append(contentsOf: config)

        let rawName = String(format: "shard.%05d.mds", number)
        let storedName = compressor == nil ? rawName : rawName + ".zstd"
        let path = directory + "/" + storedName
        let file = try AtomicFileWriter(path: path)
        let rawHasher = StreamingHasher(options.hashes.filter { hashNames.contains($0.rawValue) }.uniqued())
        let fileHasher = StreamingHasher([.sha256])
        let storedHasher = compressor == nil ? nil : StreamingHasher(rawHasher.algorithms)
        header.withUnsafeBytes { rawHasher.update($0) }
        data.withUnsafeBytes { rawHasher.update($0) }

        if let compressor {
            do {
                try compressor.beginFrame(pledgedSize: total)
                let sink: (UnsafeRawBufferPointer) throws -> Void = { chunk in
                    try file.write(chunk)
                    storedHasher!.update(chunk)
                    fileHasher.update(chunk)
                }
                try header.withUnsafeBytes { try compressor.compress($0, finish: false, scratch: &outputScratch, sink: sink) }
                try data.withUnsafeBytes { try compressor.compress($0, finish: true, scratch: &outputScratch, sink: sink) }
            } catch let error as ShardError {
                throw error
            } catch {
                throw .io(path: path, operation: "compress (\(error))", errno: EIO)
            }
        } else {
            try file.write(header)
            try file.write(data)
            header.withUnsafeBytes { fileHasher.update($0) }
            data.withUnsafeBytes { fileHasher.update($0) }
        }
        try file.commit()

        let rawInfo = MDSIndex.FileInfo(basename: rawName, bytes: total, hashes: Self.named(rawHasher.finalize()))
        let zipInfo = storedHasher.map { MDSIndex.FileInfo(basename: storedName, bytes: file.bytesWritten, hashes: Self.named($0.finalize())) }
        index.shards.append(MDSIndex.Shard(
            columns: columns!, compression: options.compression, hashes: hashNames, sizeLimit: options.shardSizeLimit,
            samples: count, rawData: rawInfo, zipData: zipInfo
        ))
        manifestShards.append(ShardManifest.Shard(
            file: storedName, bytes: file.bytesWritten, rawBytes: total, records: count,
            sha256: fileHasher.finalize()[.sha256]!
        ))
        data.removeAll(keepingCapacity: true)
        sampleEnds.removeAll(keepingCapacity: true)
    }

    private static func named(_ digests: [ShardHashAlgorithm: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: digests.map { ($0.key.rawValue, $0.value) })
    }

    @discardableResult
    public func finish() throws(ShardError) -> ShardManifest {
        guard !closed else { throw .writerClosed(path: directory) }
        closed = true
        if !sampleEnds.isEmpty { try flushShard() }
        try AtomicFileWriter.write(index.serialized, to: directory + "/" + MDSIndex.fileName)
        let manifest = ShardManifest(format: .mds, configHash: options.configHash, compression: options.compression, shards: manifestShards)
        try manifest.write(to: directory)
        return manifest
    }

    public func abandon() {
        closed = true
        data = []
        sampleEnds = []
    }

    /// The index as written so far (complete after `finish`).
    public var writtenIndex: MDSIndex { index }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
