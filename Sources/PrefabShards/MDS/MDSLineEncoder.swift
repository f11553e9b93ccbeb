/// Encodes a JSON line straight into an MDS sample, without building a `JSONValue`: the fast
/// path behind `MDSWriter.write(jsonLine:)`.
///
/// The line is validated, its top-level members are located, and each column's value is
/// copied (`str`, unescaped), transcoded (`json`, Python layout) or parsed (numbers) into the
/// sample. The bytes, and the errors, are the same as encoding the parsed record.
struct MDSLineEncoder {
    let columns: [MDSColumn]
    private let names: [[UInt8]]
    private let variableColumns: Int
    private var spans: [(start: Int, end: Int)]

    init(columns: [MDSColumn]) {
        self.columns = columns
        names = columns.map { Array($0.name.utf8) }
        variableColumns = columns.filter { $0.encoding.fixedSize == nil }.count
        spans = Array(repeating: (-1, -1), count: columns.count)
    }

    enum Failure: Error {
        case json(JSONParseError)
        case field(String, String)
    }

    /// Appends the sample for `line` to `out` (which the caller has emptied).
    mutating func encode(_ line: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(Failure) {
        do {
            try JSONValidator.validateObject(line)
        } catch {
            throw .json(error)
        }
        guard line.count > 0 else { throw .json(JSONParseError(offset: 0, reason: "empty line")) }
        let base = line.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = line.count
        for index in spans.indices { spans[index] = (-1, -1) }
        var unknown: String? = nil

        var position = 0
        while base[position] != UInt8(ascii: "{") { position += 1 }
        position += 1
        while true {
            position = skipWhitespace(base, position, end)
            if base[position] == UInt8(ascii: "}") { break }
            if base[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            // A member: "key" : value
            let keyStart = position
            let keyEnd = JSONScan.skipString(base, from: position, end: end)
            position = skipWhitespace(base, keyEnd, end)
            position = skipWhitespace(base, position + 1, end)  // past ':'
            let valueStart = position
            position = JSONScan.skipValue(base, from: position, end: end)
            let column = columnIndex(base, keyStart, keyEnd)
            if let column {
                spans[column] = (valueStart, position)
            } else {
                if unknown == nil { unknown = decodeKey(base, keyStart, keyEnd) }
            }
        }

        out.append(contentsOf: repeatElement(0, count: 4 * variableColumns))
        var variable = 0
        for (index, column) in columns.enumerated() {
            let span = spans[index]
            guard span.start >= 0 else {
                throw .field(column.name, "missing (the MDS columns are \(columns.map(\.name).joined(separator: ", ")))")
            }
            let start = out.count
            try encodeValue(column, base, span.start, span.end, into: &out)
            if column.encoding.fixedSize == nil {
                let length = out.count - start
                guard length < Int(UInt32.max) else { throw .field(column.name, "value over 4 GiB") }
                withUnsafeBytes(of: UInt32(length).littleEndian) { bytes in
                    for offset in 0..<4 { out[variable * 4 + offset] = bytes[offset] }
                }
                variable += 1
            }
        }
        if let unknown {
            throw .field(unknown, "not one of the MDS columns (\(columns.map(\.name).joined(separator: ", ")))")
        }
    }

    private func encodeValue(_ column: MDSColumn, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) throws(Failure) {
        switch column.encoding {
        case .str:
            guard base[start] == UInt8(ascii: "\"") else {
                throw .field(column.name, "expected a string for a str column, found \(kind(base, start, end))")
            }
            unescape(base, start, end, into: &out)
        case .json:
            PythonJSONTranscoder.transcode(base, from: start, to: end, into: &out)
        default:
            // Numbers and the rarer encodings: through the parsed value (cheap for scalars).
            let value: JSONValue
            do {
                value = try JSONValue(parsing: UnsafeRawBufferPointer(start: base + start, count: end - start))
            } catch {
                throw .json(error)
            }
            do {
                try column.encoding.encode(value, into: &out)
            } catch {
                throw .field(column.name, error.reason)
            }
        }
    }

    /// The kind name `JSONValue.kindName` would give the token at `start`.
    private func kind(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        switch base[start] {
        case UInt8(ascii: "{"): return "object"
        case UInt8(ascii: "["): return "array"
        case UInt8(ascii: "\""): return "string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "boolean"
        case UInt8(ascii: "n"): return "null"
        default:
            let value = try? JSONValue(parsing: UnsafeRawBufferPointer(start: base + start, count: end - start))
            return value?.kindName ?? "number"
        }
    }

    /// The UTF-8 content of a string token, escapes decoded.
    private func unescape(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        var position = start + 1
        while true {
            var plainEnd = position
            while true {
                plainEnd = JSONScan.skipPlainStringBytes(base, from: plainEnd, end: end)
                // Non-ASCII and DEL need nothing here: copy them along.
                if plainEnd < end, base[plainEnd] >= 0x80 { plainEnd += 1 } else { break }
            }
            if plainEnd > position { out.append(contentsOf: UnsafeBufferPointer(start: base + position, count: plainEnd - position)) }
            position = plainEnd
            guard position < end, base[position] == UInt8(ascii: "\\") else { return }
            let escape = base[position + 1]
            var scalar: UInt32
            switch escape {
            case UInt8(ascii: "u"):
                let decoded = JSONScan.decodeUnicodeEscape(base, at: position, end: end)
                scalar = decoded.scalar
                position += decoded.length
            case UInt8(ascii: "b"): scalar = 0x08; position += 2
            case UInt8(ascii: "f"): scalar = 0x0C; position += 2
            case UInt8(ascii: "n"): scalar = 0x0A; position += 2
            case UInt8(ascii: "r"): scalar = 0x0D; position += 2
            case UInt8(ascii: "t"): scalar = 0x09; position += 2
            default: scalar = UInt32(escape); position += 2
            }
            appendUTF8(&scalar, &out)
        }
    }

    @inline(__always)
    private func appendUTF8(_ scalar: inout UInt32, _ out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Which column a key token names (comparing raw bytes; keys with escapes are decoded first).
    private func columnIndex(_ base: UnsafePointer<UInt8>, _ keyStart: Int, _ keyEnd: Int) -> Int? {
        let contentStart = keyStart + 1
        let length = keyEnd - 1 - contentStart
        if memchr(base + contentStart, 0x5C, length) != nil {
            var decoded: [UInt8] = []
            unescape(base, keyStart, keyEnd, into: &decoded)
            return names.firstIndex(of: decoded)
        }
        for (index, name) in names.enumerated() where name.count == length {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base + contentStart, length) == 0 }) { return index }
        }
        return nil
    }

    private func decodeKey(_ base: UnsafePointer<UInt8>, _ keyStart: Int, _ keyEnd: Int) -> String {
        var decoded: [UInt8] = []
        unescape(base, keyStart, keyEnd, into: &decoded)
        return String(decoding: decoded, as: UTF8.self)
    }

    @inline(__always)
    private func skipWhitespace(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        var position = position
        while position < end {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return position }
            position += 1
        }
        return position
    }
}

import Foundation
