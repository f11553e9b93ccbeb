/// Checks that bytes are one valid JSON value (the grammar `JSONParser` accepts) without
/// building it: no allocation, eight bytes at a time through plain string content.
///
/// The JSONL.zst writer runs every pre-serialised line through it, so a bad line is refused
/// at write time at a fraction of the cost of parsing it.
struct JSONValidator: ~Copyable {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position = 0
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        base = (bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 0x1)!).assumingMemoryBound(to: UInt8.self)
        end = bytes.count
    }

    /// Validates a whole document (any value).
    static func validate(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) {
        var validator = JSONValidator(bytes)
        validator.skipWhitespace()
        try validator.value()
        validator.skipWhitespace()
        if validator.position < validator.end { throw validator.error("unexpected content after the JSON value") }
    }

    /// Validates a whole document whose top level must be an object.
    static func validateObject(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) {
        var validator = JSONValidator(bytes)
        validator.skipWhitespace()
        guard validator.position < validator.end, validator.base[validator.position] == UInt8(ascii: "{") else {
            throw JSONParseError(offset: validator.position, reason: "expected a JSON object")
        }
        try validator.value()
        validator.skipWhitespace()
        if validator.position < validator.end { throw validator.error("unexpected content after the JSON value") }
    }

    /// Validates the value at `start` inside a document (nested `depth` levels deep) and returns
    /// the position after it; errors carry offsets from `base`.
    static func skipValue(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, depth: Int) throws(JSONParseError) -> Int {
        var validator = JSONValidator(UnsafeRawBufferPointer(start: base, count: end))
        validator.position = start
        validator.depth = depth
        try validator.value()
        return validator.position
    }

    private mutating func value() throws(JSONParseError) {
        guard position < end else { throw error("unexpected end of input, expected a value") }
        switch base[position] {
        case UInt8(ascii: "{"):
            position += 1
            depth += 1
            if depth > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
            skipWhitespace()
            if position < end, base[position] == UInt8(ascii: "}") {
                position += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                guard position < end, base[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                try string()
                skipWhitespace()
                guard position < end, base[position] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
                position += 1
                skipWhitespace()
                try value()
                skipWhitespace()
                guard position < end else { throw error("unexpected end of input inside an object") }
                let byte = base[position]
                position += 1
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "}") { break }
                position -= 1
                throw error("expected ',' or '}' in an object")
            }
            depth -= 1
        case UInt8(ascii: "["):
            position += 1
            depth += 1
            if depth > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
            skipWhitespace()
            if position < end, base[position] == UInt8(ascii: "]") {
                position += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                try value()
                skipWhitespace()
                guard position < end else { throw error("unexpected end of input inside an array") }
                let byte = base[position]
                position += 1
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "]") { break }
                position -= 1
                throw error("expected ',' or ']' in an array")
            }
            depth -= 1
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "N"): try literal("NaN")
        case UInt8(ascii: "I"): try literal("Infinity")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw error("unexpected character, expected a value")
        }
    }

    private mutating func string() throws(JSONParseError) {
        position += 1
        while true {
            position = JSONScan.skipPlainStringBytes(base, from: position, end: end)
            guard position < end else { throw error("unterminated string") }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < end else { throw error("unterminated string") }
                switch base[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard position + 6 <= end else { throw error("incomplete \\u escape") }
                    for offset in 2..<6 where !JSONScan.isHexDigit(base[position + offset]) {
                        position += offset
                        throw error("invalid hex digit in a \\u escape")
                    }
                    position += 6
                default:
                    throw error("invalid escape in a string")
                }
                continue
            }
            if byte < 0x20 { throw error("raw control character in a string (escape it)") }
            // Non-ASCII: one UTF-8 sequence.
            guard let length = JSONScan.utf8SequenceLength(base, at: position, end: end) else {
                throw error("invalid UTF-8 in a string")
            }
            position += length
        }
    }

    private mutating func number() throws(JSONParseError) {
        if base[position] == UInt8(ascii: "-") {
            position += 1
            if position < end, base[position] == UInt8(ascii: "I") {
                try literal("Infinity")
                return
            }
        }
        guard position < end, JSONScan.isDigit(base[position]) else { throw error("invalid number: expected a digit") }
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if position < end, JSONScan.isDigit(base[position]) { throw error("invalid number: leading zero") }
        } else {
            while position < end, JSONScan.isDigit(base[position]) { position += 1 }
        }
        if position < end, base[position] == UInt8(ascii: ".") {
            position += 1
            guard position < end, JSONScan.isDigit(base[position]) else { throw error("invalid number: expected a digit after '.'") }
            while position < end, JSONScan.isDigit(base[position]) { position += 1 }
        }
        if position < end, base[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < end, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") { position += 1 }
            guard position < end, JSONScan.isDigit(base[position]) else { throw error("invalid number: expected a digit in the exponent") }
            while position < end, JSONScan.isDigit(base[position]) { position += 1 }
        }
    }

    private mutating func literal(_ text: StaticString) throws(JSONParseError) {
        let count = text.utf8CodeUnitCount
        guard position + count <= end, memcmp(base + position, text.utf8Start, count) == 0 else {
            throw error("invalid literal, expected '\(text)'")
        }
        position += count
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < end {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    private func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }
}

import Foundation
