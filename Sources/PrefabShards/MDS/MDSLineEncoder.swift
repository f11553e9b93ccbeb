import Foundation

/// Encodes a JSON line straight into an MDS sample, without building a `JSONValue`: the fast
/// path behind `MDSWriter.write(jsonLine:)`.
///
/// One pass over the line validates it (the grammar `JSONValidator` checks, with its error
/// messages) and, member by member, writes each column's value: `str` unescaped, `json`
/// re-escaped in Python's layout, numbers parsed. Values land in member order in a scratch
/// buffer and are then copied into the sample in column order. The bytes, and the errors, are
/// those of encoding the parsed record: a syntax error anywhere wins over a value that does
/// not fit its column, which is reported for the first such column in column order.
struct MDSLineEncoder {
    let columns: [MDSColumn]
    private let encodings: [MDSEncoding]
    /// The column names' UTF-8 bytes back to back, and where each lies (no per-lookup retains).
    private let nameBytes: [UInt8]
    private let nameRanges: [Range<Int>]
    private let variableColumns: Int
    /// Where each column's encoded value lies in `scratch` (start -1: not seen yet), and why it
    /// does not fit, if it does not.
    private var spans: [(start: Int, end: Int)]
    private var problems: [String?]
    private var scratch: [UInt8] = []
    /// Where the keys of the objects being transcoded lie in `scratch` (start, end pairs; a
    /// stack, nested objects above their parents), to notice a repeated key.
    private var keySpans: [Int] = []

    init(columns: [MDSColumn]) {
        self.columns = columns
        encodings = columns.map(\.encoding)
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for column in columns {
            let start = bytes.count
            bytes.append(contentsOf: column.name.utf8)
            ranges.append(start..<bytes.count)
        }
        nameBytes = bytes
        nameRanges = ranges
        variableColumns = columns.filter { $0.encoding.fixedSize == nil }.count
        spans = Array(repeating: (-1, -1), count: columns.count)
        problems = Array(repeating: nil, count: columns.count)
    }

    enum Failure: Error {
        case json(JSONParseError)
        case field(String, String)
    }

    /// Appends the sample for `line` to `out` (nothing on error).
    mutating func encode(_ line: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(Failure) {
        scratch.removeAll(keepingCapacity: true)
        for index in spans.indices {
            spans[index] = (-1, -1)
            problems[index] = nil
        }
        var unknown: String? = nil
        do {
            var reader = Reader(line)
            try reader.beginObject()
            while let key = try reader.nextKey() {
                if let column = columnIndex(key, reader) {
                    let start = scratch.count
                    let problem = try encodeValue(encodings[column], &reader)
                    if problem != nil || problems[column] != nil { problems[column] = problem }
                    spans[column] = (start, scratch.count)
                } else {
                    if unknown == nil { unknown = reader.decodedKey(key) }
                    try reader.skipValue()
                }
            }
            try reader.endDocument()
        } catch {
            throw .json(error)
        }

        let sampleStart = out.count
        out.append(contentsOf: repeatElement(0, count: 4 * variableColumns))
        var variable = 0
        for (index, column) in columns.enumerated() {
            let span = spans[index]
            guard span.start >= 0 else {
                out.removeSubrange(sampleStart...)
                throw .field(column.name, "missing (the MDS columns are \(columns.map(\.name).joined(separator: ", ")))")
            }
            if let problem = problems[index] {
                out.removeSubrange(sampleStart...)
                throw .field(column.name, problem)
            }
            let length = span.end - span.start
            if column.encoding.fixedSize == nil {
                guard length < Int(UInt32.max) else {
                    out.removeSubrange(sampleStart...)
                    throw .field(column.name, "value over 4 GiB")
                }
                withUnsafeBytes(of: UInt32(length).littleEndian) { bytes in
                    for offset in 0..<4 { out[sampleStart + variable * 4 + offset] = bytes[offset] }
                }
                variable += 1
            }
            scratch.withUnsafeBufferPointer { buffer in
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[span.start..<span.end]))
            }
        }
        if let unknown {
            out.removeSubrange(sampleStart...)
            throw .field(unknown, "not one of the MDS columns (\(columns.map(\.name).joined(separator: ", ")))")
        }
    }

    /// Validates the value at the reader and appends its encoding to `scratch`; returns why it
    /// does not fit the column (after validating it all the same), or nil.
    private mutating func encodeValue(_ encoding: MDSEncoding, _ reader: inout Reader) throws(JSONParseError) -> String? {
        switch encoding {
        case .json:
            let start = reader.position
            let encodedStart = scratch.count
            var repeatedKey = false
            try reader.transcodeValue(depth: 1, into: &scratch, keys: &keySpans, repeatedKey: &repeatedKey)
            if repeatedKey {
                // Rare: an object names a key twice. Python keeps one member per key (first
                // position, last value), and so does the parsed value: encode that instead.
                scratch.removeSubrange(encodedStart...)
                let value = try JSONValue(parsing: reader.bytes(from: start))
                do {
                    try encoding.encode(value, into: &scratch)
                } catch {
                    return error.reason
                }
            }
            return nil
        case .str:
            guard reader.peek == UInt8(ascii: "\"") else {
                let start = reader.position
                try reader.skipValue()
                return "expected a string for a str column, found \(reader.kind(from: start))"
            }
            try reader.unescapeString(into: &scratch)
            return nil
        default:
            // Numbers and the rarer encodings: through the parsed value (cheap for scalars).
            let start = reader.position
            try reader.skipValue()
            let value: JSONValue
            do {
                value = try JSONValue(parsing: reader.bytes(from: start))
            } catch {
                throw error
            }
            do {
                try encoding.encode(value, into: &scratch)
                return nil
            } catch {
                return error.reason
            }
        }
    }

    /// Which column a key names (keys with escapes are decoded first).
    private func columnIndex(_ key: Range<Int>, _ reader: Reader) -> Int? {
        var contentStart = key.lowerBound + 1
        var length = key.upperBound - 1 - contentStart
        var decoded: [UInt8] = []
        if memchr(reader.base + contentStart, 0x5C, length) != nil {
            decoded = Array(reader.decodedKey(key).utf8)
            contentStart = 0
            length = decoded.count
        }
        return nameBytes.withUnsafeBufferPointer { names in
            decoded.withUnsafeBufferPointer { decodedBytes in
                let key = decodedBytes.isEmpty && length > 0 ? reader.base + contentStart : decodedBytes.baseAddress
                for index in nameRanges.indices {
                    let range = nameRanges[index]
                    if range.count == length, length == 0 || memcmp(names.baseAddress! + range.lowerBound, key!, length) == 0 { return index }
                }
                return nil
            }
        }
    }

    /// A validating reader over one line; every error is the one `JSONValidator` reports.
    struct Reader {
        let base: UnsafePointer<UInt8>
        let end: Int
        private(set) var position = 0
        /// Whether a member was started (so a separator comes next), and the object ended.
        private var inMember = false
        private var objectClosed = false

        init(_ bytes: UnsafeRawBufferPointer) {
            base = (bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 0x1)!).assumingMemoryBound(to: UInt8.self)
            end = bytes.count
        }

        var peek: UInt8? { position < end ? base[position] : nil }

        func bytes(from start: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: base + start, count: position - start)
        }

        private func error(_ reason: String) -> JSONParseError {
            JSONParseError(offset: position, reason: reason)
        }

        @inline(__always)
        private mutating func skipWhitespace() {
            position = JSONScan.skipWhitespace(base, from: position, end: end)
        }

        /// Opens the line's top-level object.
        mutating func beginObject() throws(JSONParseError) {
            skipWhitespace()
            guard position < end, base[position] == UInt8(ascii: "{") else { throw error("expected a JSON object") }
            position += 1
            skipWhitespace()
            if position < end, base[position] == UInt8(ascii: "}") {
                position += 1
                objectClosed = true
            }
        }

        /// The next member's key token (its range), leaving the reader at its value, which the
        /// caller must consume; nil after the object's closing brace.
        mutating func nextKey() throws(JSONParseError) -> Range<Int>? {
            if objectClosed { return nil }
            if inMember {
                skipWhitespace()
                guard position < end else { throw error("unexpected end of input inside an object") }
                let byte = base[position]
                position += 1
                if byte == UInt8(ascii: "}") {
                    objectClosed = true
                    return nil
                }
                guard byte == UInt8(ascii: ",") else {
                    position -= 1
                    throw error("expected ',' or '}' in an object")
                }
            }
            skipWhitespace()
            guard position < end, base[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = position
            position = try JSONScan.validateString(base, from: position, end: end)
            let key = keyStart..<position
            skipWhitespace()
            guard position < end, base[position] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            position += 1
            skipWhitespace()
            guard position < end else { throw error("unexpected end of input, expected a value") }
            inMember = true
            return key
        }

        /// Checks that nothing but whitespace follows the object.
        mutating func endDocument() throws(JSONParseError) {
            skipWhitespace()
            if position < end { throw error("unexpected content after the JSON value") }
        }

        /// Validates the value here (inside the top-level object) and moves past it.
        mutating func skipValue() throws(JSONParseError) {
            position = try JSONValidator.skipValue(base, from: position, end: end, depth: 1)
        }

        /// Validates the value here and appends it as Python's `json.dumps` writes it; sets
        /// `repeatedKey` when an object in it names a key twice (its bytes are then not Python's).
        mutating func transcodeValue(
            depth: Int, into out: inout [UInt8], keys: inout [Int], repeatedKey: inout Bool
        ) throws(JSONParseError) {
            guard position < end else { throw error("unexpected end of input, expected a value") }
            let byte = base[position]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = byte == UInt8(ascii: "{")
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                position += 1
                if depth + 1 > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
                out.append(byte)
                skipWhitespace()
                if position < end, base[position] == close {
                    position += 1
                    out.append(close)
                    return
                }
                let keysBase = keys.count
                defer { keys.removeSubrange(keysBase...) }
                while true {
                    skipWhitespace()
                    if isObject {
                        guard position < end, base[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                        let keyStart = out.count
                        try transcodeString(into: &out)
                        if !repeatedKey {
                            // Transcoded keys are equal exactly when their code points are.
                            repeatedKey = Self.contains(key: keyStart..<out.count, among: keys[keysBase...], in: out)
                            keys.append(keyStart)
                            keys.append(out.count)
                        }
                        skipWhitespace()
                        guard position < end, base[position] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
                        position += 1
                        out.append(UInt8(ascii: ":"))
                        out.append(0x20)
                        skipWhitespace()
                    }
                    try transcodeValue(depth: depth + 1, into: &out, keys: &keys, repeatedKey: &repeatedKey)
                    skipWhitespace()
                    guard position < end else {
                        throw error(isObject ? "unexpected end of input inside an object" : "unexpected end of input inside an array")
                    }
                    let next = base[position]
                    position += 1
                    if next == UInt8(ascii: ",") {
                        out.append(UInt8(ascii: ","))
                        out.append(0x20)
                        continue
                    }
                    if next == close {
                        out.append(close)
                        return
                    }
                    position -= 1
                    throw error(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
            case UInt8(ascii: "\""):
                try transcodeString(into: &out)
            case UInt8(ascii: "t"): try literal("true", into: &out)
            case UInt8(ascii: "f"): try literal("false", into: &out)
            case UInt8(ascii: "n"): try literal("null", into: &out)
            case UInt8(ascii: "N"): try literal("NaN", into: &out)
            case UInt8(ascii: "I"): try literal("Infinity", into: &out)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number(into: &out)
            default:
                throw error("unexpected character, expected a value")
            }
        }

        private static func contains(key: Range<Int>, among spans: ArraySlice<Int>, in out: [UInt8]) -> Bool {
            out.withUnsafeBufferPointer { bytes in
                var index = spans.startIndex
                while index < spans.endIndex {
                    let start = spans[index], end = spans[index + 1]
                    if end - start == key.count, memcmp(bytes.baseAddress! + start, bytes.baseAddress! + key.lowerBound, key.count) == 0 {
                        return true
                    }
                    index += 2
                }
                return false
            }
        }

        private mutating func literal(_ text: StaticString, into out: inout [UInt8]) throws(JSONParseError) {
            guard JSONScan.hasLiteral(text, base, at: position, end: end) else { throw error("invalid literal, expected '\(text)'") }
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            position += text.utf8CodeUnitCount
        }

        /// A number token, validated, written as Python prints the value `JSONParser` makes of it.
        private mutating func number(into out: inout [UInt8]) throws(JSONParseError) {
            let start = position
            if base[position] == UInt8(ascii: "-") {
                position += 1
                if position < end, base[position] == UInt8(ascii: "I") {
                    out.append(UInt8(ascii: "-"))
                    try literal("Infinity", into: &out)
                    return
                }
            }
            let (tokenEnd, isInteger) = try JSONScan.scanNumber(base, from: position, end: end)
            position = tokenEnd
            PythonJSONTranscoder.appendNumber(base, from: start, to: position, isInteger: isInteger, into: &out)
        }

        /// Validates the string token here and appends it re-escaped as Python's ASCII-only
        /// `json.dumps` writes it.
        mutating func transcodeString(into out: inout [UInt8]) throws(JSONParseError) {
            out.append(UInt8(ascii: "\""))
            position += 1
            while true {
                let plainEnd = JSONScan.skipPlainStringBytes(base, from: position, end: end, stopAtDelete: true)
                if plainEnd > position {
                    out.append(contentsOf: UnsafeBufferPointer(start: base + position, count: plainEnd - position))
                }
                position = plainEnd
                guard position < end else { throw error("unterminated string") }
                let byte = base[position]
                if byte == UInt8(ascii: "\"") {
                    out.append(UInt8(ascii: "\""))
                    position += 1
                    return
                }
                let scalar: UInt32
                if byte == UInt8(ascii: "\\") {
                    scalar = try escape()
                } else if byte < 0x20 {
                    throw error("raw control character in a string (escape it)")
                } else if byte == 0x7F {
                    scalar = 0x7F
                    position += 1
                } else {
                    guard let length = JSONScan.utf8SequenceLength(base, at: position, end: end) else {
                        throw error("invalid UTF-8 in a string")
                    }
                    scalar = JSONScan.decodeScalar(base, at: position).scalar
                    position += length
                }
                PythonJSONTranscoder.appendEscaped(scalar, to: &out)
            }
        }

        /// Validates the string token here and appends its UTF-8 content, escapes decoded.
        mutating func unescapeString(into out: inout [UInt8]) throws(JSONParseError) {
            position += 1
            var run = position
            while true {
                position = JSONScan.skipPlainStringBytes(base, from: position, end: end)
                guard position < end else { throw error("unterminated string") }
                let byte = base[position]
                if byte >= 0x80 {
                    guard let length = JSONScan.utf8SequenceLength(base, at: position, end: end) else {
                        throw error("invalid UTF-8 in a string")
                    }
                    position += length
                    continue
                }
                if position > run { out.append(contentsOf: UnsafeBufferPointer(start: base + run, count: position - run)) }
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return
                }
                guard byte == UInt8(ascii: "\\") else { throw error("raw control character in a string (escape it)") }
                JSONScan.appendUTF8(try escape(), to: &out)
                run = position
            }
        }

        /// Validates and decodes the escape at the backslash here, moving past it; a `\u` pair
        /// of surrogates gives one scalar, a lone surrogate U+FFFD (as `JSONParser` does).
        private mutating func escape() throws(JSONParseError) -> UInt32 {
            guard position + 1 < end else { throw error("unterminated string") }
            let kind = base[position + 1]
            switch kind {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                position += 2
                return UInt32(kind)
            case UInt8(ascii: "b"): position += 2; return 0x08
            case UInt8(ascii: "f"): position += 2; return 0x0C
            case UInt8(ascii: "n"): position += 2; return 0x0A
            case UInt8(ascii: "r"): position += 2; return 0x0D
            case UInt8(ascii: "t"): position += 2; return 0x09
            case UInt8(ascii: "u"):
                let unit = try hex4(at: position)
                if (0xD800...0xDBFF).contains(unit), position + 12 <= end, base[position + 6] == 0x5C, base[position + 7] == UInt8(ascii: "u"),
                    (8..<12).allSatisfy({ JSONScan.isHexDigit(base[position + $0]) })
                {
                    let low = JSONScan.hex4(base, at: position + 8)
                    if (0xDC00...0xDFFF).contains(low) {
                        position += 12
                        return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                }
                position += 6
                return (0xD800...0xDFFF).contains(unit) ? 0xFFFD : unit
            default:
                throw error("invalid escape in a string")
            }
        }

        /// The four hex digits of the `\u` escape at `at` (the backslash).
        private mutating func hex4(at start: Int) throws(JSONParseError) -> UInt32 {
            guard start + 6 <= end else { throw error("incomplete \\u escape") }
            for offset in 2..<6 where !JSONScan.isHexDigit(base[start + offset]) {
                position = start + offset
                throw error("invalid hex digit in a \\u escape")
            }
            return JSONScan.hex4(base, at: start + 2)
        }

        /// A key token's content, escapes decoded.
        func decodedKey(_ key: Range<Int>) -> String {
            var reader = self
            reader.position = key.lowerBound
            var decoded: [UInt8] = []
            try? reader.unescapeString(into: &decoded)
            return String(decoding: decoded, as: UTF8.self)
        }

        /// The kind name `JSONValue.kindName` gives the (validated) value from `start` to here.
        func kind(from start: Int) -> String {
            switch base[start] {
            case UInt8(ascii: "{"): return "object"
            case UInt8(ascii: "["): return "array"
            case UInt8(ascii: "\""): return "string"
            case UInt8(ascii: "t"), UInt8(ascii: "f"): return "boolean"
            case UInt8(ascii: "n"): return "null"
            default:
                let value = try? JSONValue(parsing: bytes(from: start))
                return value?.kindName ?? "number"
            }
        }
    }
}
