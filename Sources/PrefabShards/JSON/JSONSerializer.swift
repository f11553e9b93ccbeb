/// Writes JSON values as UTF-8 text in a `JSONStyle`, appending to a byte buffer.
///
/// Appending to a caller's buffer (rather than returning a `String`) is what lets the shard
/// writers serialise records straight into a frame or a sample without intermediate copies.
struct JSONSerializer {
    let style: JSONStyle
    private let itemSeparator: [UInt8]
    private let keySeparator: [UInt8]

    init(style: JSONStyle) {
        self.style = style
        if style.indent != nil {
            itemSeparator = [UInt8(ascii: ",")]
            keySeparator = Array(": ".utf8)
        } else {
            itemSeparator = style.spaced ? Array(", ".utf8) : [UInt8(ascii: ",")]
            keySeparator = style.spaced ? Array(": ".utf8) : [UInt8(ascii: ":")]
        }
    }

    func write(_ value: JSONValue, to out: inout [UInt8], level: Int = 0) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): Self.appendInteger(number, to: &out)
        case .double(let number): out.append(contentsOf: PythonFloatFormat.repr(number).utf8)
        case .string(let string): writeString(string, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty {
                out.append(UInt8(ascii: "]"))
                return
            }
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(contentsOf: itemSeparator) }
                newline(level + 1, &out)
                write(element, to: &out, level: level + 1)
            }
            newline(level, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object, to: &out, level: level)
        }
    }

    func write(_ object: JSONObject, to out: inout [UInt8], level: Int = 0) {
        out.append(UInt8(ascii: "{"))
        if object.isEmpty {
            out.append(UInt8(ascii: "}"))
            return
        }
        var order = Array(object.keys.indices)
        if style.sortKeys {
            order.sort { Self.codePointLess(object.keys[$0], object.keys[$1]) }
        }
        for (position, index) in order.enumerated() {
            if position > 0 { out.append(contentsOf: itemSeparator) }
            newline(level + 1, &out)
            writeString(object.keys[index], to: &out)
            out.append(contentsOf: keySeparator)
            write(object.values[index], to: &out, level: level + 1)
        }
        newline(level, &out)
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private func newline(_ level: Int, _ out: inout [UInt8]) {
        guard let indent = style.indent else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    /// Python orders `str` keys by code point; Swift's `<` on String does not (it is
    /// Unicode-canonical), so compare scalar values.
    static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    static func appendInteger(_ number: Int64, to out: inout [UInt8]) {
        if number == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no allocation
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                count += 1
                buffer[24 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            if number < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            let asciiOnly = style.asciiOnly
            var runStart = 0
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                let needsEscape = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (asciiOnly && byte >= 0x7F)
                if !needsEscape {
                    index += 1
                    continue
                }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")]); index += 1
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")]); index += 1
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")]); index += 1
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")]); index += 1
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")]); index += 1
                case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")]); index += 1
                case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")]); index += 1
                case ..<0x20, 0x7F:
                    // Python escapes DEL too when ensure_ascii is on.
                    Self.appendUnicodeEscape(UInt16(byte), to: &out)
                    index += 1
                default:
                    // Non-ASCII in ASCII-only mode: decode one scalar (the String is valid UTF-8).
                    let scalar: UInt32
                    let length: Int
                    if byte < 0xE0 {
                        scalar = UInt32(byte & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                        length = 2
                    } else if byte < 0xF0 {
                        scalar = UInt32(byte & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                        length = 3
                    } else {
                        scalar = UInt32(byte & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                            | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
                        length = 4
                    }
                    if scalar >= 0x10000 {
                        let v = scalar - 0x10000
                        Self.appendUnicodeEscape(UInt16(0xD800 + (v >> 10)), to: &out)
                        Self.appendUnicodeEscape(UInt16(0xDC00 + (v & 0x3FF)), to: &out)
                    } else {
                        Self.appendUnicodeEscape(UInt16(scalar), to: &out)
                    }
                    index += length
                }
                runStart = index
            }
            if runStart < count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ unit: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(hexDigits[Int(unit >> 12)])
        out.append(hexDigits[Int((unit >> 8) & 0xF)])
        out.append(hexDigits[Int((unit >> 4) & 0xF)])
        out.append(hexDigits[Int(unit & 0xF)])
    }
}

extension JSONValue {
    /// Appends this value's JSON text to `buffer`.
    public func write(to buffer: inout [UInt8], style: JSONStyle = .compact) {
        JSONSerializer(style: style).write(self, to: &buffer)
    }

    /// This value as JSON text.
    public func serialized(style: JSONStyle = .compact) -> String {
        var buffer: [UInt8] = []
        write(to: &buffer, style: style)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// This value as UTF-8 JSON bytes.
    public func serializedBytes(style: JSONStyle = .compact) -> [UInt8] {
        var buffer: [UInt8] = []
        write(to: &buffer, style: style)
        return buffer
    }
}

extension JSONObject {
    /// Appends this object's JSON text to `buffer`.
    public func write(to buffer: inout [UInt8], style: JSONStyle = .compact) {
        JSONSerializer(style: style).write(self, to: &buffer)
    }

    public func serialized(style: JSONStyle = .compact) -> String {
        JSONValue.object(self).serialized(style: style)
    }

    public func serializedBytes(style: JSONStyle = .compact) -> [UInt8] {
        var buffer: [UInt8] = []
        write(to: &buffer, style: style)
        return buffer
    }
}
