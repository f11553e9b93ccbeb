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
    /// Verified by a hash against a Prefab manifest's directory: the bytes are exactly what
    /// Prefab's writer produced, which always writes valid UTF-8 and single-line JSON, so
    /// `writeSampleJSON` need not re-validate column text.
    private(set) var trusted = false
    var byteCount: Int { bytes.count }
    private let offsets: [Int]
    private let variableColumns: Int
    /// `"name":` for each column, ready to append.
    private let keyPrefixes: [[UInt8]]

    /// Loads the shard described by `entry` from `directory`.
    /// Gives up the shard's buffer so the next shard can decompress into the same memory.
    func takeBuffer() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    static func load(directory: String, entry: MDSIndex.Shard, manifest: ShardManifest?, verification: Verification, reusing spare: inout [UInt8]) throws(ShardError) -> MDSShardData {
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
        let storedHasher = storedChecks.isEmpty ? nil : StreamingHasher(Array(storedChecks.keys))
        let rawHasher = rawChecks.isEmpty ? nil : StreamingHasher(Array(rawChecks.keys))

        let bytes: [UInt8]
        if compressed {
            bytes = try decompress(file, expectedSize: entry.rawData.bytes, hasher: storedHasher, reusing: &spare)
        } else {
            bytes = try file.read(count: file.size, at: 0)
            storedHasher?.update(bytes)
        }
        try check(storedHasher, against: storedChecks, path: path, what: "")
        rawHasher?.update(bytes)
        try check(rawHasher, against: rawChecks, path: path, what: " (decompressed)")
        let data = try MDSShardData(path: path, bytes: bytes, columns: entry.columns, expectedSamples: entry.samples)
        data.trusted = manifestEntry != nil && !storedChecks.isEmpty
        return data
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
        return try MDSShardData(path: path, bytes: bytes, columns: entry.columns, expectedSamples: count)
    }

    private static func check(_ hasher: StreamingHasher?, against expected: [ShardHashAlgorithm: String], path: String, what: String) throws(ShardError) {
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

    private init(path: String, bytes: [UInt8], columns: [MDSColumn], expectedSamples: Int) throws(ShardError) {
        self.path = path
        self.columns = columns
        variableColumns = columns.filter { $0.encoding.fixedSize == nil }.count
        keyPrefixes = columns.map { column in
            var prefix: [UInt8] = []
            JSONValue.string(column.name).write(to: &prefix)
            prefix.append(UInt8(ascii: ":"))
            return prefix
        }
        guard bytes.count >= 8 else { throw .truncated(path: path, reason: "shorter than an MDS header (\(bytes.count) bytes)") }
        let count = Int(Self.load32(bytes, 0))
        guard count == expectedSamples else {
            throw .corrupt(path: path, reason: "holds \(count) samples, index.json says \(expectedSamples)")
        }
        let tableEnd = 4 + 4 * (count + 1)
        guard tableEnd <= bytes.count else { throw .corrupt(path: path, reason: "offset table runs past the end of the shard") }
        var offsets: [Int] = []
        offsets.reserveCapacity(count + 1)
        var previous = tableEnd
        for index in 0...count {
            let offset = Int(Self.load32(bytes, 4 + 4 * index))
            guard offset >= previous, offset <= bytes.count else {
                throw .corrupt(path: path, reason: "sample offset \(index) (\(offset)) is out of order or past the end")
            }
            offsets.append(offset)
            previous = offset
        }
        guard offsets.last == bytes.count else {
            throw .corrupt(path: path, reason: "last offset \(offsets.last!) is not the shard size \(bytes.count)")
        }
        self.offsets = offsets
        self.bytes = bytes
        sampleCount = count
    }

    /// Decodes sample `index` (0-based within this shard).
    func sample(_ index: Int) throws(ShardError) -> JSONObject {
        let start = offsets[index]
        let end = offsets[index + 1]
        let position = RecordPosition.sample(index)
        return try bytes.withBytes { raw throws(ShardError) -> JSONObject in
            var cursor = start + 4 * variableColumns
            guard cursor <= end else { throw .corrupt(path: path, reason: "sample \(index) is too short for its column lengths") }
            var variable = 0
            var keys: [String] = []
            var values: [JSONValue] = []
            keys.reserveCapacity(columns.count)
            values.reserveCapacity(columns.count)
            for column in columns {
                let size: Int
                if let fixed = column.encoding.fixedSize {
                    size = fixed
                } else {
                    size = Int(raw.loadUnaligned(fromByteOffset: start + 4 * variable, as: UInt32.self).littleEndian)
                    variable += 1
                }
                guard size <= end - cursor else {
                    throw .corrupt(path: path, reason: "sample \(index), column \"\(column.name)\": \(size) bytes run past the sample end")
                }
                do throws(MDSValueError) {
                    values.append(try column.encoding.decode(UnsafeRawBufferPointer(rebasing: raw[cursor..<(cursor + size)])))
                } catch {
                    throw .invalidRecord(path: path, position: position, field: column.name, reason: error.reason)
                }
                keys.append(column.name)
                cursor += size
            }
            guard cursor == end else {
                throw .corrupt(path: path, reason: "sample \(index) has \(end - cursor) bytes beyond its columns")
            }
            return JSONObject(uncheckedKeys: keys, values: values)
        }
    }

    /// Appends sample `index` as compact JSON text (an object, columns in order), without
    /// building a value: `str` columns are escaped, `json` columns copied as stored (after
    /// validation; re-serialised if they hold a line break), others printed from their value.
    func writeSampleJSON(_ index: Int, into out: inout [UInt8]) throws(ShardError) {
        let start = offsets[index]
        let end = offsets[index + 1]
        let position = RecordPosition.sample(index)
        try bytes.withBytes { raw throws(ShardError) in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var cursor = start + 4 * variableColumns
            guard cursor <= end else { throw .corrupt(path: path, reason: "sample \(index) is too short for its column lengths") }
            var variable = 0
            out.append(UInt8(ascii: "{"))
            for (number, column) in columns.enumerated() {
                let size: Int
                if let fixed = column.encoding.fixedSize {
                    size = fixed
                } else {
                    size = Int(raw.loadUnaligned(fromByteOffset: start + 4 * variable, as: UInt32.self).littleEndian)
                    variable += 1
                }
                guard size <= end - cursor else {
                    throw .corrupt(path: path, reason: "sample \(index), column \"\(column.name)\": \(size) bytes run past the sample end")
                }
                if number > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: keyPrefixes[number])
                let value = UnsafeRawBufferPointer(start: base + cursor, count: size)
                switch column.encoding {
                case .str:
                    guard trusted || Self.isValidUTF8(base + cursor, count: size) else {
                        throw .invalidRecord(path: path, position: position, field: column.name, reason: "str value is not valid UTF-8")
                    }
                    JSONSerializer.appendCompactString(UnsafeBufferPointer(start: base + cursor, count: size), to: &out)
                case .json:
                    if !trusted {
                        do {
                            try JSONValidator.validate(value)
                        } catch {
                            throw .invalidRecord(path: path, position: position, field: column.name, reason: "json value is not valid JSON: \(error)")
                        }
                    }
                    if trusted || (size > 0 && memchr(base + cursor, 0x0A, size) == nil) {
                        out.append(contentsOf: UnsafeBufferPointer(start: base + cursor, count: size))
                    } else {
                        (try? JSONValue(parsing: value))?.write(to: &out)
                    }
                default:
                    do throws(MDSValueError) {
                        try column.encoding.decode(value).write(to: &out)
                    } catch {
                        throw .invalidRecord(path: path, position: position, field: column.name, reason: error.reason)
                    }
                }
                cursor += size
            }
            guard cursor == end else {
                throw .corrupt(path: path, reason: "sample \(index) has \(end - cursor) bytes beyond its columns")
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func isValidUTF8(_ base: UnsafePointer<UInt8>, count: Int) -> Bool {
        var position = 0
        while position < count {
            position = JSONScan.skipPlainStringBytes(base, from: position, end: count)
            guard position < count else { return true }
            if base[position] < 0x80 {
                position += 1
            } else {
                guard let length = JSONScan.utf8SequenceLength(base, at: position, end: count) else { return false }
                position += length
            }
        }
        return true
    }

    private static func load32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
