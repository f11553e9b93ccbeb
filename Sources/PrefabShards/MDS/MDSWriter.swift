import Foundation

/// Writes records as MosaicML Streaming MDS shards (`specs/mds.md`), byte for byte as the
/// reference `MDSWriter` lays them out, plus Prefab's `manifest.json`.
///
/// Each JSON line is validated and encoded in one pass (`MDSLineEncoder`), straight into 1 MiB
/// chunks; each full chunk goes to the background (`MDSShardSink`, two zstd workers) and is
/// compressed while the next fills. A shard's header (its sample offsets) is known only when
/// the shard is complete, so it goes in front of the compressed samples as stored blocks of the
/// same zstd frame (`ZstdPrefixedFrame`), which declares its content size. The raw samples wait
/// for their header in a scratch file, not in memory, so memory is a few chunks plus up to
/// 16 MiB of the compressed shard whatever `shardSizeLimit` is. Each shard is written under a
/// temporary name, fsynced and renamed; `index.json` and the manifest are written last.
public final class MDSWriter: ShardWriter {
    public let directory: String
    public var format: ShardFormat { .mds }
    public private(set) var recordCount = 0
    public var currentShard: String? {
        recordCount == 0 ? nil : MDSShardSink.storedName(number: sampleEnds.isEmpty ? shardCount - 1 : shardCount, compression: options.compression)
    }
    /// The columns in shard order (sorted by name); nil until inferred from the first record.
    public private(set) var columns: [MDSColumn]?

    private let options: ShardWriterOptions
    private let hashNames: [String]
    private let rawHashes: [ShardHashAlgorithm]
    private let sink: MDSShardSink
    private var config: [UInt8] = []
    private var variableColumns = 0
    /// The chunk being filled, the current shard's sample bytes and where each sample ends.
    private var chunk: [UInt8]
    private var shardBytes = 0
    private var sampleEnds: [Int] = []
    private var shardCount = 0
    /// Set with the columns (not optional: mutating it in place must not copy it per line).
    private var lineEncoder = MDSLineEncoder(columns: [])
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
        rawHashes = options.hashes.uniqued()
        sink = MDSShardSink(
            directory: directory, compression: options.compression, hashes: rawHashes, sizeLimit: options.shardSizeLimit,
            observer: options.shardClosed)
        chunk = sink.takeChunk()
        if let columns = options.columns {
            try setColumns(columns)
        }
    }

    deinit {
        if !closed { sink.cancel() }
    }

    private func setColumns(_ given: [MDSColumn]) throws(ShardError) {
        guard !given.isEmpty else { throw .invalidArgument("an MDS dataset needs at least one column") }
        var names = Set<String>()
        for column in given where !names.insert(column.name).inserted {
            throw .invalidArgument("column '\(column.name)' is listed twice")
        }
        let sorted = given.sorted { JSONSerializer.codePointLess($0.name, $1.name) }
        columns = sorted
        lineEncoder = MDSLineEncoder(columns: sorted)
        variableColumns = sorted.filter { $0.encoding.fixedSize == nil }.count
        config = MDSIndex.config(columns: sorted, compression: options.compression, hashes: hashNames, sizeLimit: options.shardSizeLimit)
            .serializedBytes(style: .pythonSortedKeys)
    }

    public func write(_ record: JSONObject) throws(ShardError) {
        guard !closed else { throw .writerClosed(path: directory) }
        if columns == nil { try setColumns(MDSColumn.inferred(from: record)) }
        let start = chunk.count
        do throws(ShardError) {
            try encode(record)
        } catch {
            chunk.removeSubrange(start...)
            throw error
        }
        try accept(from: start)
    }

    public func write(jsonLine: UnsafeRawBufferPointer) throws(ShardError) {
        guard !closed else { throw .writerClosed(path: directory) }
        guard columns != nil else {
            // The first record fixes inferred columns; parse it the ordinary way.
            let record: JSONObject
            do {
                record = try JSONObject(parsing: jsonLine)
            } catch {
                throw .invalidJSON(path: directory, position: .record(recordCount + 1), reason: error.description)
            }
            try write(record)
            return
        }
        let start = chunk.count
        do {
            try lineEncoder.encode(jsonLine, into: &chunk)
        } catch {
            chunk.removeSubrange(start...)
            switch error {
            case .json(let reason):
                throw .invalidJSON(path: directory, position: .record(recordCount + 1), reason: reason.description)
            case .field(let field, let reason):
                throw .invalidRecord(path: directory, position: .record(recordCount + 1), field: field, reason: reason)
            }
        }
        try accept(from: start)
    }

    /// Appends `record`'s sample to `chunk`: a u32 length per variable-width column, then the values.
    private func encode(_ record: JSONObject) throws(ShardError) {
        let columns = columns!
        let position = RecordPosition.record(recordCount + 1)
        let sampleStart = chunk.count
        chunk.append(contentsOf: repeatElement(0, count: 4 * variableColumns))
        var variable = 0
        for column in columns {
            guard let value = record[column.name] else {
                throw .invalidRecord(path: directory, position: position, field: column.name,
                                     reason: "missing (the MDS columns are \(columns.map(\.name).joined(separator: ", ")))")
            }
            let start = chunk.count
            do {
                try column.encoding.encode(value, into: &chunk)
            } catch {
                throw .invalidRecord(path: directory, position: position, field: column.name, reason: error.reason)
            }
            if column.encoding.fixedSize == nil {
                let length = chunk.count - start
                guard length < Int(UInt32.max) else {
                    throw .invalidRecord(path: directory, position: position, field: column.name, reason: "value over 4 GiB")
                }
                withUnsafeBytes(of: UInt32(length).littleEndian) { bytes in
                    for offset in 0..<4 { chunk[sampleStart + variable * 4 + offset] = bytes[offset] }
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

    /// Takes the sample just encoded at `chunk[start...]` into the current shard, first closing
    /// the shard if the sample would push it past the limit (counted as the reference writer
    /// counts: header + config + every sample and its 4-byte offset). Like the reference, a
    /// first sample larger than the limit closes an empty shard before it.
    private func accept(from start: Int) throws(ShardError) {
        let sampleLength = chunk.count - start
        do throws(ShardError) {
            if let limit = options.shardSizeLimit, limit < 8 + config.count + shardBytes + 4 * sampleEnds.count + sampleLength + 4 {
                let sample = Array(chunk[start...])
                chunk.removeSubrange(start...)
                try closeShard()
                chunk.append(contentsOf: sample)
            }
            shardBytes += sampleLength
            sampleEnds.append(shardBytes)
            recordCount += 1
            if chunk.count >= sink.chunkSize {
                if let failure = sink.firstFailure { throw failure }
                var full = sink.takeChunk()
                swap(&full, &chunk)
                sink.add(consume full)
            }
        } catch {
            closed = true
            sink.cancel()
            throw error
        }
    }

    /// Hands the current shard to the sink: its last chunk, then its header.
    private func closeShard() throws(ShardError) {
        if let failure = sink.firstFailure { throw failure }
        let number = shardCount
        let count = sampleEnds.count
        let headerSize = 4 + 4 * (count + 1) + config.count
        let total = headerSize + shardBytes
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

        if !chunk.isEmpty {
            var last: [UInt8] = []
            swap(&last, &chunk)
            sink.add(consume last)
        }
        sink.close(MDSShardSink.ClosedShard(
            number: number, header: header, samples: count, rawBytes: total
        ))
        shardCount += 1
        shardBytes = 0
        sampleEnds.removeAll(keepingCapacity: true)
        if chunk.capacity == 0 { chunk = sink.takeChunk() }
    }

    @discardableResult
    public func finish() throws(ShardError) -> ShardManifest {
        guard !closed else { throw .writerClosed(path: directory) }
        closed = true
        do {
            if !sampleEnds.isEmpty { try closeShard() }
        } catch {
            sink.cancel()
            throw error
        }
        let committed = sink.drain()
        if let failure = sink.firstFailure { throw failure }
        for shard in committed { record(shard) }
        try AtomicFileWriter.write(index.serialized, to: directory + "/" + MDSIndex.fileName)
        let manifest = ShardManifest(format: .mds, configHash: options.configHash, compression: options.compression, shards: manifestShards)
        try manifest.write(to: directory)
        return manifest
    }

    /// Adds a shard the sink has written to the index and manifest.
    private func record(_ shard: MDSShardSink.CommittedShard) {
        let rawInfo = MDSIndex.FileInfo(basename: MDSShardSink.storedName(number: shard.number, compression: .none), bytes: shard.rawBytes, hashes: shard.rawHashes)
        let zipInfo = shard.storedHashes.map { MDSIndex.FileInfo(basename: shard.storedName, bytes: shard.storedBytes, hashes: $0) }
        index.shards.append(MDSIndex.Shard(
            columns: columns!, compression: options.compression, hashes: hashNames, sizeLimit: options.shardSizeLimit,
            samples: shard.samples, rawData: rawInfo, zipData: zipInfo
        ))
        manifestShards.append(ShardManifest.Shard(
            file: shard.storedName, bytes: shard.storedBytes, rawBytes: shard.rawBytes, records: shard.samples, sha256: shard.sha256
        ))
    }

    public func abandon() {
        closed = true
        sink.cancel()
        chunk = []
        sampleEnds = []
    }

    /// Chunks of sample bytes allocated so far (bounded, whatever the shard size).
    var chunksAllocated: Int { sink.chunksAllocated }

    /// The index of the shards written (complete after `finish`).
    public var writtenIndex: MDSIndex { index }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
