/// Byte-level helpers shared by the JSON parser, validator and serializer.
enum JSONScan {
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 6
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Skips string content that needs no attention (ASCII other than `"`, `\` and controls),
    /// eight bytes at a time. Returns the position of the first byte that does need it (or `end`).
    /// With `stopAtDelete`, DEL (0x7F) needs attention too (Python's ASCII-only output escapes it).
    @inline(__always)
    static func skipPlainStringBytes(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, stopAtDelete: Bool = false) -> Int {
        var position = start
        let raw = UnsafeRawPointer(base)
        let deleteMask: UInt64 = stopAtDelete ? highs : 0
        while position + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let delete = word ^ (ones &* 0x7F)
            let special = ((quote &- ones) & ~quote)
                | ((backslash &- ones) & ~backslash)
                | ((word &- ones &* 0x20) & ~word)  // bytes below 0x20
                | word  // bytes at or above 0x80
                | ((delete &- ones) & ~delete & deleteMask)
            if special & highs != 0 { break }
            position += 8
        }
        while position < end {
            let byte = base[position]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 || byte >= 0x80 || (stopAtDelete && byte == 0x7F) { return position }
            position += 1
        }
        return position
    }

    /// Decodes the UTF-8 scalar at `position` (already validated); returns it and its length.
    @inline(__always)
    static func decodeScalar(_ base: UnsafePointer<UInt8>, at position: Int) -> (scalar: UInt32, length: Int) {
        let byte = base[position]
        if byte < 0x80 { return (UInt32(byte), 1) }
        if byte < 0xE0 { return (UInt32(byte & 0x1F) << 6 | UInt32(base[position + 1] & 0x3F), 2) }
        if byte < 0xF0 {
            return (UInt32(byte & 0x0F) << 12 | UInt32(base[position + 1] & 0x3F) << 6 | UInt32(base[position + 2] & 0x3F), 3)
        }
        return (UInt32(byte & 0x07) << 18 | UInt32(base[position + 1] & 0x3F) << 12 | UInt32(base[position + 2] & 0x3F) << 6
                    | UInt32(base[position + 3] & 0x3F), 4)
    }

    /// Skips JSON whitespace (space, tab, line feed, carriage return); returns the first other position.
    @inline(__always)
    static func skipWhitespace(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var position = start
        while position < end {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return position }
            position += 1
        }
        return position
    }

    /// Whether `text` stands at `position` (a literal: `true`, `null`, `NaN`, ...).
    @inline(__always)
    static func hasLiteral(_ text: StaticString, _ base: UnsafePointer<UInt8>, at position: Int, end: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        return position + count <= end && memcmp(base + position, text.utf8Start, count) == 0
    }

    /// Checks the digits of a number token: `position` is at its first digit (past any `-`).
    /// Returns where the token ends and whether it is an integer (no fraction, no exponent).
    /// The one number grammar of the parser, the validator and the MDS line encoder, so they
    /// accept the same tokens and report the same errors (at the offending byte).
    @inline(__always)
    static func scanNumber(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) throws(JSONParseError) -> (end: Int, isInteger: Bool) {
        var position = start
        guard position < end, isDigit(base[position]) else {
            throw JSONParseError(offset: position, reason: "invalid number: expected a digit")
        }
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if position < end, isDigit(base[position]) { throw JSONParseError(offset: position, reason: "invalid number: leading zero") }
        } else {
            while position < end, isDigit(base[position]) { position += 1 }
        }
        var isInteger = true
        if position < end, base[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < end, isDigit(base[position]) else {
                throw JSONParseError(offset: position, reason: "invalid number: expected a digit after '.'")
            }
            while position < end, isDigit(base[position]) { position += 1 }
        }
        if position < end, base[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < end, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") { position += 1 }
            guard position < end, isDigit(base[position]) else {
                throw JSONParseError(offset: position, reason: "invalid number: expected a digit in the exponent")
            }
            while position < end, isDigit(base[position]) { position += 1 }
        }
        return (position, isInteger)
    }

    /// Validates the string token whose opening quote is at `start` (escapes, `\u` digits,
    /// no raw controls, valid UTF-8) without decoding it; returns the position after its
    /// closing quote. Shared by `JSONValidator` and the MDS line encoder's key and value skipping.
    @inline(__always)
    static func validateString(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) throws(JSONParseError) -> Int {
        var position = start + 1
        while true {
            position = skipPlainStringBytes(base, from: position, end: end)
            guard position < end else { throw JSONParseError(offset: position, reason: "unterminated string") }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") { return position + 1 }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < end else { throw JSONParseError(offset: position, reason: "unterminated string") }
                switch base[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard position + 6 <= end else { throw JSONParseError(offset: position, reason: "incomplete \\u escape") }
                    for offset in 2..<6 where !isHexDigit(base[position + offset]) {
                        throw JSONParseError(offset: position + offset, reason: "invalid hex digit in a \\u escape")
                    }
                    position += 6
                default:
                    throw JSONParseError(offset: position, reason: "invalid escape in a string")
                }
                continue
            }
            if byte < 0x20 { throw JSONParseError(offset: position, reason: "raw control character in a string (escape it)") }
            // Non-ASCII: one UTF-8 sequence.
            guard let length = utf8SequenceLength(base, at: position, end: end) else {
                throw JSONParseError(offset: position, reason: "invalid UTF-8 in a string")
            }
            position += length
        }
    }

    /// Appends `scalar` (a valid Unicode scalar value) encoded as UTF-8.
    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
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

    /// The value of four hex digits at `position` (already checked to be hex digits).
    @inline(__always)
    static func hex4(_ base: UnsafePointer<UInt8>, at position: Int) -> UInt32 {
        hexValue(base[position]) << 12 | hexValue(base[position + 1]) << 8 | hexValue(base[position + 2]) << 4 | hexValue(base[position + 3])
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt32 {
        if isDigit(byte) { return UInt32(byte &- UInt8(ascii: "0")) }
        return UInt32((byte | 0x20) &- UInt8(ascii: "a") &+ 10)
    }

    /// Reads `\uXXXX` at `position` (pointing at the backslash), combining a surrogate pair;
    /// a lone surrogate becomes U+FFFD, as in `JSONParser`. Returns the scalar and bytes used.
    static func decodeUnicodeEscape(_ base: UnsafePointer<UInt8>, at position: Int, end: Int) -> (scalar: UInt32, length: Int) {
        let unit = hex4(base, at: position + 2)
        if (0xD800...0xDBFF).contains(unit) {
            if position + 12 <= end, base[position + 6] == 0x5C, base[position + 7] == UInt8(ascii: "u") {
                let low = hex4(base, at: position + 8)
                if (0xDC00...0xDFFF).contains(low) {
                    return (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
                }
            }
            return (0xFFFD, 6)
        }
        if (0xDC00...0xDFFF).contains(unit) { return (0xFFFD, 6) }
        return (unit, 6)
    }

    /// The end of the (valid) JSON value starting at `position`.
    static func skipValue(_ base: UnsafePointer<UInt8>, from position: Int, end: Int) -> Int {
        var position = position
        var depth = 0
        repeat {
            let byte = base[position]
            switch byte {
            case UInt8(ascii: "\""):
                position = skipString(base, from: position, end: end)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default:
                if depth == 0 {
                    // A scalar: runs until a delimiter.
                    while position < end {
                        let c = base[position]
                        if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { break }
                        position += 1
                    }
                    return position
                }
            }
            position += 1
        } while depth > 0 && position < end
        return position
    }

    /// The position after the closing quote of the (valid) string starting at `position`.
    @inline(__always)
    static func skipString(_ base: UnsafePointer<UInt8>, from position: Int, end: Int) -> Int {
        var position = position + 1
        while true {
            position = skipPlainStringBytes(base, from: position, end: end)
            guard position < end else { return end }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") { return position + 1 }
            position += byte == UInt8(ascii: "\\") ? 2 : 1
        }
    }

    /// Length of the valid UTF-8 sequence starting at `position` (a non-ASCII lead byte), or nil.
    @inline(__always)
    static func utf8SequenceLength(_ base: UnsafePointer<UInt8>, at position: Int, end: Int) -> Int? {
        let lead = base[position]
        @inline(__always) func continuation(_ offset: Int) -> Bool {
            position + offset < end && base[position + offset] & 0xC0 == 0x80
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : nil
        case 0xE0...0xEF:
            guard continuation(1), continuation(2) else { return nil }
            let second = base[position + 1]
            if lead == 0xE0, second < 0xA0 { return nil }  // overlong
            if lead == 0xED, second > 0x9F { return nil }  // surrogates
            return 3
        case 0xF0...0xF4:
            guard continuation(1), continuation(2), continuation(3) else { return nil }
            let second = base[position + 1]
            if lead == 0xF0, second < 0x90 { return nil }
            if lead == 0xF4, second > 0x8F { return nil }
            return 4
        default:
            return nil
        }
    }
}

import Foundation
