/// Rewrites valid JSON text in the layout of Python's `json.dumps` defaults (`", "`/`": "`
/// separators, ASCII-only `\uXXXX` escapes, `repr` floats) without building a value: the bytes
/// `JSONValue.write(style: .python)` would produce for the parsed value.
///
/// This is how the MDS writer fills a `json` column from a pre-serialised line at close to
/// memory speed. The input must already be validated (`JSONValidator`).
enum PythonJSONTranscoder {
    static func transcode(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, into out: inout [UInt8]) {
        var position = start
        while position < end {
            let byte = base[position]
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09:
                position += 1
            case UInt8(ascii: ","):
                out.append(UInt8(ascii: ","))
                out.append(0x20)
                position += 1
            case UInt8(ascii: ":"):
                out.append(UInt8(ascii: ":"))
                out.append(0x20)
                position += 1
            case UInt8(ascii: "\""):
                position = string(base, from: position, end: end, into: &out)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                position = number(base, from: position, end: end, into: &out)
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"):
                out.append(byte)
                position += 1
            default:
                // true, false, null, NaN, Infinity: copied as they are.
                let literalStart = position
                while position < end, base[position] >= UInt8(ascii: "A") { position += 1 }
                out.append(contentsOf: UnsafeBufferPointer(start: base + literalStart, count: position - literalStart))
            }
        }
    }

    /// Re-escapes one string token; returns the position after its closing quote.
    static func string(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, into out: inout [UInt8]) -> Int {
        out.append(UInt8(ascii: "\""))
        var position = start + 1
        while true {
            let plainEnd = JSONScan.skipPlainStringBytes(base, from: position, end: end, stopAtDelete: true)
            if plainEnd > position {
                out.append(contentsOf: UnsafeBufferPointer(start: base + position, count: plainEnd - position))
            }
            position = plainEnd
            guard position < end else { return end }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                out.append(UInt8(ascii: "\""))
                return position + 1
            }
            let scalar: UInt32
            if byte == UInt8(ascii: "\\") {
                let escape = base[position + 1]
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
                default: scalar = UInt32(escape); position += 2  // \" \\ \/
                }
            } else {
                let decoded = JSONScan.decodeScalar(base, at: position)
                scalar = decoded.scalar
                position += decoded.length
            }
            appendEscaped(scalar, to: &out)
        }
    }

    /// One scalar as Python's ASCII-only `json.dumps` writes it.
    @inline(__always)
    static func appendEscaped(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
        case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
        case 0x20..<0x7F: out.append(UInt8(scalar))
        case 0x10000...:
            let value = scalar - 0x10000
            appendUnit(UInt16(0xD800 + (value >> 10)), to: &out)
            appendUnit(UInt16(0xDC00 + (value & 0x3FF)), to: &out)
        default:
            appendUnit(UInt16(scalar), to: &out)
        }
    }

    /// `\uXXXX` (lowercase hex), appended in one go.
    @inline(__always)
    private static func appendUnit(_ unit: UInt16, to out: inout [UInt8]) {
        @inline(__always) func hex(_ nibble: UInt16) -> UInt64 {
            let value = UInt64(nibble & 0xF)
            return value < 10 ? 0x30 + value : 0x57 + value  // '0'... or 'a'...
        }
        let bytes: UInt64 = 0x5C | 0x75 << 8 | hex(unit >> 12) << 16 | hex(unit >> 8) << 24 | hex(unit >> 4) << 32 | hex(unit) << 40
        withUnsafeBytes(of: bytes.littleEndian) { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<6])) }
    }

    /// A number token, written as Python prints the value `JSONParser` makes of it.
    private static func number(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, into out: inout [UInt8]) -> Int {
        var position = start
        var integer = true
        while position < end {
            let c = base[position]
            if JSONScan.isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                position += 1
            } else if c == UInt8(ascii: ".") || c | 0x20 == UInt8(ascii: "e") {
                integer = false
                position += 1
            } else if c == UInt8(ascii: "I") {
                // -Infinity
                while position < end, base[position] >= UInt8(ascii: "A") { position += 1 }
                out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
                return position
            } else {
                break
            }
        }
        appendNumber(base, from: start, to: position, isInteger: integer, into: &out)
        return position
    }

    /// Appends the (valid) number token `base[start..<end]` as Python prints the value
    /// `JSONParser` makes of it: short integers as written (but `-0` as `0`), floats and
    /// integers that may not fit Int64 through the parsed value. Shared with the MDS line encoder.
    static func appendNumber(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, isInteger: Bool, into out: inout [UInt8]) {
        let length = end - start
        let digits = base[start] == UInt8(ascii: "-") ? length - 1 : length
        if isInteger, digits < 19 {
            if length == 2, base[start] == UInt8(ascii: "-"), base[start + 1] == UInt8(ascii: "0") {
                out.append(UInt8(ascii: "0"))  // Python prints int(-0) as 0
            } else {
                out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
            }
            return
        }
        // Floats, and integers that may not fit Int64: through the parser's value, printed as Python.
        if let value = try? JSONValue(parsing: UnsafeRawBufferPointer(start: base + start, count: length)) {
            value.write(to: &out, style: .python)
        }
    }
}
