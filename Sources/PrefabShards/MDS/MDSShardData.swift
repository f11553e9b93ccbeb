import Foundation

/// One MDS shard's bytes, decompressed and checked, with its samples decodable by position.
///
/// Loading reads the stored file once, hashing it on the way (as the verification level asks)
/// and decompressing it into a buffer of exactly the size the index (or the frame header)
/// declares; any mismatch is reported as corruption or truncation of that file.
final class MDSShardData {
    let path: String
    let columns: [MDSColumn]
    let sampleCount: Int
    private var bytes: [UInt8]
    let decoder: MDSSampleDecoder
    /// Verified by a hash against a Prefab manifest's directory (see `MDSSampleDecoder.trusted`).
    var trusted: Bool { decoder.trusted }
    var byteCount: Int { bytes.count }
    private let offsets: [Int]

    /// Gives up the shard's buffer so the next shard can decompress into the same memory.
    func takeBuffer() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    /// A shard's stored file, opened, and what to check it against: its size (index.json and
    /// manifest.json, checked on opening) and the hashes the verification level asks for.
    struct Source {
        let path: String
        let file: ReadableFile
        let compressed: Bool
        /// Size of the decompressed shard.
        let rawBytes: Int
        let samples: Int
        let columns: [MDSColumn]
        /// Hashes of the stored file, and of the decompressed bytes, to check.
        let storedChecks: [ShardHashAlgorithm: String]
        let rawChecks: [ShardHashAlgorithm: String]
        /// Hash-checked against a Prefab manifest's directory (see `MDSSampleDecoder.trusted`).
        let trusted: Bool

        static func open(directory: String, entry: MDSIndex.Shard, manifest: ShardManifest?, verification: Verification) throws(ShardError) -> Source {
            var stored = entry.storedFile
            var compressed = entry.compression.isCompressed
            var path = directory + "/" + stored.basename
            if compressed, !FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: directory + "/" + entry.rawData.basename) {
                // StreamingDataset leaves the decompressed copy beside (or instead of) the compressed one.
                stored = entry.rawData
                compressed = false
                path = directory + "/" + stored.basename
            }
            let file = try ReadableFile(path: path)
            if verification != .minimal, file.size != stored.bytes {
                let reason = "\(file.size) bytes, index.json says \(stored.bytes)"
                throw file.size < stored.bytes ? .truncated(path: path, reason: reason) : .corrupt(path: path, reason: reason)
            }
            let manifestEntry = manifest?.shard(named: stored.basename)
            if let manifestEntry, verification != .minimal, file.size != manifestEntry.bytes {
                throw .corrupt(path: path, reason: "\(file.size) bytes, manifest.json says \(manifestEntry.bytes)")
            }

            // Which hashes to check, of the stored file and of the decompressed bytes.
            var storedChecks: [ShardHashAlgorithm: String] = [:]
            var rawChecks: [ShardHashAlgorithm: String] = [:]
            func supported(_ hashes: [String: String]) -> [ShardHashAlgorithm: String] {
                var result: [ShardHashAlgorithm: String] = [:]
                for (name, value) in hashes {
                    if let algorithm = ShardHashAlgorithm(rawValue: name), algorithm.isSupported { result[algorithm] = value.lowercased() }
                }
                return result
            }
            let listed = supported(stored.hashes)
            switch verification {
            case .minimal:
                break
            case .standard:
                if let cheapest = listed.keys.min(by: { ($0.cost, $0.rawValue) < ($1.cost, $1.rawValue) }) {
                    storedChecks[cheapest] = listed[cheapest]
                } else if let manifestEntry {
                    storedChecks[.sha256] = manifestEntry.sha256
                }
            case .full:
                storedChecks = listed
                if let manifestEntry { storedChecks[.sha256] = manifestEntry.sha256 }
                if compressed { rawChecks = supported(entry.rawData.hashes) }
            case .hash(let algorithm):
                guard let expected = stored.hashes[algorithm.rawValue] else {
                    throw .invalidIndex(path: directory + "/" + MDSIndex.fileName, reason: "\(stored.basename) lists no \(algorithm) hash to validate (it has: \(stored.hashes.keys.sorted().joined(separator: ", ")))")
                }
                guard algorithm.isSupported else { throw .unsupported(path: path, reason: "cannot compute \(algorithm)") }
                storedChecks[algorithm] = expected.lowercased()
            }
            return Source(path: path, file: file, compressed: compressed, rawBytes: entry.rawData.bytes, samples: entry.samples,
                          columns: entry.columns, storedChecks: storedChecks, rawChecks: rawChecks,
                          trusted: manifestEntry != nil && !storedChecks.isEmpty)
        }

        /// Whether samples may be handed out while the shard is still being decompressed: only
        /// when the stored bytes are checked by a hash before decompression starts, and no hash
        /// of the decompressed bytes remains to be checked at the end.
        var canStream: Bool { compressed && !storedChecks.isEmpty && rawChecks.isEmpty }
    }

    /// Loads the shard described by `entry` from `directory`.
    static func load(directory: String, entry: MDSIndex.Shard, manifest: ShardManifest?, verification: Verification, reusing spare: inout [UInt8]) throws(ShardError) -> MDSShardData {
        try load(Source.open(directory: directory, entry: entry, manifest: manifest, verification: verification), reusing: &spare)
    }

    /// Loads a shard whole: reads and hashes the stored file, decompresses it, checks it all.
    static func load(_ source: Source, reusing spare: inout [UInt8]) throws(ShardError) -> MDSShardData {
        let path = source.path
        let file = source.file
        let storedHasher = source.storedChecks.isEmpty ? nil : StreamingHasher(Array(source.storedChecks.keys))
        let rawHasher = source.rawChecks.isEmpty ? nil : StreamingHasher(Array(source.rawChecks.keys))

        let bytes: [UInt8]
        if source.compressed {
            bytes = try decompress(file, expectedSize: source.rawBytes, hasher: storedHasher, reusing: &spare)
        } else {
            bytes = try file.read(count: file.size, at: 0)
            storedHasher?.update(bytes)
        }
        try check(storedHasher, against: source.storedChecks, path: path, what: "")
        rawHasher?.update(bytes)
        try check(rawHasher, against: source.rawChecks, path: path, what: " (decompressed)")
        return try MDSShardData(path: path, bytes: bytes, columns: source.columns, expectedSamples: source.samples, trusted: source.trusted)
    }

    /// Loads a lone shard file (no index): columns come from the config embedded in the shard.
    static func loadStandalone(path: String) throws(ShardError) -> MDSShardData {
        let file = try ReadableFile(path: path)
        let magic = file.size >= 4 ? try file.read(count: 4, at: 0) : []
        let bytes: [UInt8]
        if magic == [0x28, 0xB5, 0x2F, 0xFD] {
            let header = try file.read(count: min(file.size, 18), at: 0)
            let declared = header.withUnsafeBytes { ZstdDecompressor.declaredContentSize($0) }
            guard let declared else {
                throw .unsupported(path: path, reason: "zstd frame without a content size (MDS readers need it)")
            }
            var spare: [UInt8] = []
            bytes = try decompress(file, expectedSize: Int(declared), hasher: nil, reusing: &spare)
        } else {
            bytes = try file.read(count: file.size, at: 0)
        }
        guard bytes.count >= 8 else { throw .truncated(path: path, reason: "shorter than an MDS header") }
        let count = Int(load32(bytes, 0))
        let configStart = 4 + 4 * (count + 1)
        guard configStart <= bytes.count else { throw .corrupt(path: path, reason: "sample count \(count) does not fit the file") }
        let firstSample = Int(load32(bytes, 4))
        guard firstSample >= configStart, firstSample <= bytes.count else { throw .corrupt(path: path, reason: "first offset out of range") }
        let configBytes = Array(bytes[configStart..<firstSample])
        let config: JSONObject
        do {
            config = try JSONObject(parsing: configBytes)
        } catch {
            throw .corrupt(path: path, reason: "embedded shard config is not JSON: \(error)")
        }
        let entry = try MDSIndex.shard(config, position: 0, path: path, embedded: true)
        return try MDSShardData(path: path, bytes: bytes, columns: entry.columns, expectedSamples: count, trusted: false)
    }

    static func check(_ hasher: StreamingHasher?, against expected: [ShardHashAlgorithm: String], path: String, what: String) throws(ShardError) {
        guard let hasher else { return }
        let actual = hasher.finalize()
        for algorithm in expected.keys.sorted() where actual[algorithm] != expected[algorithm] {
            let source = algorithm == .sha256 && what.isEmpty ? "index.json or manifest.json" : "index.json"
            throw .corrupt(path: path, reason: "\(algorithm)\(what) is \(actual[algorithm] ?? "?"), \(source) says \(expected[algorithm]!)")
        }
    }

    /// Streams the file through zstd into a buffer of exactly `expectedSize` bytes (plus one
    /// spare byte, whose use means the shard is larger than declared).
    private static func decompress(_ file: ReadableFile, expectedSize: Int, hasher: StreamingHasher?, reusing spare: inout [UInt8]) throws(ShardError) -> [UInt8] {
        let decompressor = ZstdDecompressor()
        var input = [UInt8](repeating: 0, count: min(max(file.size, 1), 1 << 20))
        var inFrame = false
        var produced = 0
        let path = file.path
        let capacity = expectedSize + 1
        var output: [UInt8]
        if spare.capacity >= capacity {
            // Memory already paged in by the previous shard: clearing it is cheaper than faulting fresh pages.
            output = spare
            spare = []
            output.removeAll(keepingCapacity: true)
            output.append(contentsOf: repeatElement(0, count: capacity))
        } else {
            spare = []
            output = [UInt8](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
        }
        try file.seek(to: 0)
        while true {
            let count = try input.withMutableBytes { raw throws(ShardError) in try file.readFully(into: raw) }
            if count == 0 { break }
            input.withUnsafeBytes { hasher?.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            var start = 0
            while start < count {
                let step: ZstdDecompressor.Step
                do {
                    step = try input.withBytes { raw throws(ZstdError) in
                        try output.withMutableBytes { out throws(ZstdError) in
                            try decompressor.step(input: UnsafeRawBufferPointer(rebasing: raw[start..<count]),
                                                  output: UnsafeMutableRawBufferPointer(rebasing: out[produced...]))
                        }
                    }
                } catch {
                    throw .corrupt(path: path, reason: error.name)
                }
                produced += step.produced
                start += step.consumed
                inFrame = !step.frameEnded
                if produced > expectedSize {
                    throw .corrupt(path: path, reason: "decompresses to more than the \(expectedSize) bytes declared")
                }
                if step.consumed == 0 && step.produced == 0 && !step.frameEnded { break }
            }
        }
        if inFrame { throw .truncated(path: path, reason: "ends inside its zstd frame") }
        if produced != expectedSize {
            throw .corrupt(path: path, reason: "decompresses to \(produced) bytes, expected \(expectedSize)")
        }
        output.removeLast()
        return output
    }

    private init(path: String, bytes: [UInt8], columns: [MDSColumn], expectedSamples: Int, trusted: Bool) throws(ShardError) {
        self.path = path
        self.columns = columns
        decoder = MDSSampleDecoder(path: path, columns: columns, trusted: trusted)
        guard bytes.count >= 8 else { throw .truncated(path: path, reason: "shorter than an MDS header (\(bytes.count) bytes)") }
        let count = Int(Self.load32(bytes, 0))
        guard count == expectedSamples else {
            throw .corrupt(path: path, reason: "holds \(count) samples, index.json says \(expectedSamples)")
        }
        offsets = try bytes.withBytes { raw throws(ShardError) in
            try Self.offsets(raw, count: count, shardSize: bytes.count, path: path)
        }
        self.bytes = bytes
        sampleCount = count
    }

    /// The sample offsets of a shard of `shardSize` bytes that holds `count` samples, from the
    /// shard's first bytes (`raw` holds at least the count and the offset table), checked:
    /// in order, the first after the table, the last at the end of the shard.
    static func offsets(_ raw: UnsafeRawBufferPointer, count: Int, shardSize: Int, path: String) throws(ShardError) -> [Int] {
        let tableEnd = 4 + 4 * (count + 1)
        guard tableEnd <= shardSize, tableEnd <= raw.count else { throw .corrupt(path: path, reason: "offset table runs past the end of the shard") }
        var offsets: [Int] = []
        offsets.reserveCapacity(count + 1)
        var previous = tableEnd
        for index in 0...count {
            let offset = Int(raw.loadUnaligned(fromByteOffset: 4 + 4 * index, as: UInt32.self).littleEndian)
            guard offset >= previous, offset <= shardSize else {
                throw .corrupt(path: path, reason: "sample offset \(index) (\(offset)) is out of order or past the end")
            }
            offsets.append(offset)
            previous = offset
        }
        guard offsets.last == shardSize else {
            throw .corrupt(path: path, reason: "last offset \(offsets.last!) is not the shard size \(shardSize)")
        }
        return offsets
    }

    /// Decodes sample `index` (0-based within this shard).
    func sample(_ index: Int) throws(ShardError) -> JSONObject {
        try bytes.withBytes { raw throws(ShardError) in
            try decoder.record(raw, from: offsets[index], to: offsets[index + 1], sample: index)
        }
    }

    /// Calls `body` with the shard's bytes and the bounds of sample `index` in them.
    func withSample<R>(_ index: Int, _ body: (UnsafeRawBufferPointer, Int, Int) throws(ShardError) -> R) throws(ShardError) -> R {
        try bytes.withBytes { raw throws(ShardError) in try body(raw, offsets[index], offsets[index + 1]) }
    }

    /// Appends sample `index` as compact JSON text (see `MDSSampleDecoder.writeJSON`).
    func writeSampleJSON(_ index: Int, into out: inout [UInt8]) throws(ShardError) {
        try bytes.withBytes { raw throws(ShardError) in
            try decoder.writeJSON(raw, from: offsets[index], to: offsets[index + 1], sample: index, into: &out)
        }
    }

    private static func load32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
