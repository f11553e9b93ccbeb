import Foundation

/// Decodes MDS samples of one shard layout (its columns), wherever the sample bytes are: in a
/// whole decompressed shard (`MDSShardData`) or in a block streamed by `MDSSampleStream`.
final class MDSSampleDecoder: Sendable {
    let path: String
    let columns: [MDSColumn]
    /// The shard was verified by a hash against a Prefab manifest's directory: its bytes are
    /// exactly what Prefab's writer produced, which always writes valid UTF-8 and single-line
    /// JSON, so `writeJSON` need not re-validate column text.
    let trusted: Bool
    private let variableColumns: Int
    /// Per column, for the hot loop (plain values, no reference counting): its encoding, and
    /// where its `"name":` (ready to append) lies in `keyBytes`.
    private let encodings: [MDSEncoding]
    private let keyBytes: [UInt8]
    private let keyRanges: [Range<Int>]

    init(path: String, columns: [MDSColumn], trusted: Bool) {
        self.path = path
        self.columns = columns
        self.trusted = trusted
        variableColumns = columns.filter { $0.encoding.fixedSize == nil }.count
        encodings = columns.map(\.encoding)
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for column in columns {
            let start = bytes.count
            JSONValue.string(column.name).write(to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            ranges.append(start..<bytes.count)
        }
        keyBytes = bytes
        keyRanges = ranges
    }

    /// Decodes the sample at `raw[start..<end]`, sample `index` of its shard.
    func record(_ raw: UnsafeRawBufferPointer, from start: Int, to end: Int, sample index: Int) throws(ShardError) -> JSONObject {
        let position = RecordPosition.sample(index)
        do {
            guard end <= raw.count else { throw .corrupt(path: path, reason: "sample \(index) runs past its shard") }
            var cursor = start + 4 * variableColumns
            guard cursor <= end else { throw .corrupt(path: path, reason: "sample \(index) is too short for its column lengths") }
            var variable = 0
            var keys: [String] = []
            var values: [JSONValue] = []
            keys.reserveCapacity(columns.count)
            values.reserveCapacity(columns.count)
            for number in columns.indices {
                let column = columns[number]
                let size = try columnSize(number, raw, sampleStart: start, variable: &variable, cursor: cursor, end: end, sample: index)
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

    /// Appends the sample at `raw[start..<end]` (sample `index` of its shard) as compact JSON text (an object, columns in order), without
    /// building a value: `str` columns are escaped, `json` columns copied as stored (after
    /// validation; re-serialised if they hold a line break), others printed from their value.
    func writeJSON(_ raw: UnsafeRawBufferPointer, from start: Int, to end: Int, sample index: Int, into out: inout [UInt8]) throws(ShardError) {
        let position = RecordPosition.sample(index)
        do {
            guard end <= raw.count, let address = raw.baseAddress else { throw .corrupt(path: path, reason: "sample \(index) runs past its shard") }
            let base = address.assumingMemoryBound(to: UInt8.self)
            var cursor = start + 4 * variableColumns
            guard cursor <= end else { throw .corrupt(path: path, reason: "sample \(index) is too short for its column lengths") }
            var variable = 0
            out.append(UInt8(ascii: "{"))
            for number in encodings.indices {
                let encoding = encodings[number]
                let size = try columnSize(number, raw, sampleStart: start, variable: &variable, cursor: cursor, end: end, sample: index)
                if number > 0 { out.append(UInt8(ascii: ",")) }
                keyBytes.withUnsafeBufferPointer { keys in out.append(contentsOf: UnsafeBufferPointer(rebasing: keys[keyRanges[number]])) }
                let value = UnsafeRawBufferPointer(start: base + cursor, count: size)
                switch encoding {
                case .str:
                    guard trusted || Self.isValidUTF8(base + cursor, count: size) else {
                        throw .invalidRecord(path: path, position: position, field: columns[number].name, reason: "str value is not valid UTF-8")
                    }
                    JSONSerializer.appendCompactString(UnsafeBufferPointer(start: base + cursor, count: size), to: &out)
                case .json:
                    if !trusted {
                        do {
                            try JSONValidator.validate(value)
                        } catch {
                            throw .invalidRecord(path: path, position: position, field: columns[number].name, reason: "json value is not valid JSON: \(error)")
                        }
                    }
                    if trusted || (size > 0 && memchr(base + cursor, 0x0A, size) == nil) {
                        out.append(contentsOf: UnsafeBufferPointer(start: base + cursor, count: size))
                    } else {
                        (try? JSONValue(parsing: value))?.write(to: &out)
                    }
                default:
                    do throws(MDSValueError) {
                        try encoding.decode(value).write(to: &out)
                    } catch {
                        throw .invalidRecord(path: path, position: position, field: columns[number].name, reason: error.reason)
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

    /// The size of column `number`'s value in the sample starting at `sampleStart`: fixed by
    /// its encoding, or the next of the sample's leading lengths (`variable` counts those read);
    /// checked to end within the sample. One reading of the layout for `record` and `writeJSON`.
    @inline(__always)
    private func columnSize(
        _ number: Int, _ raw: UnsafeRawBufferPointer, sampleStart: Int, variable: inout Int, cursor: Int, end: Int, sample index: Int
    ) throws(ShardError) -> Int {
        let size: Int
        if let fixed = encodings[number].fixedSize {
            size = fixed
        } else {
            size = Int(raw.loadUnaligned(fromByteOffset: sampleStart + 4 * variable, as: UInt32.self).littleEndian)
            variable += 1
        }
        guard size <= end - cursor else {
            throw .corrupt(path: path, reason: "sample \(index), column \"\(columns[number].name)\": \(size) bytes run past the sample end")
        }
        return size
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
}
