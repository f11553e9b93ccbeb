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
        case UInt8(ascii: "{"): try container(isObject: true)
        case UInt8(ascii: "["): try container(isObject: false)
        case UInt8(ascii: "\""): position = try JSONScan.validateString(base, from: position, end: end)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "N"): try literal("NaN")
        case UInt8(ascii: "I"): try literal("Infinity")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw error("unexpected character, expected a value")
        }
    }

    /// An object or an array: one walk, since they differ only in the key before each member
    /// and in their closing byte and error wording.
    private mutating func container(isObject: Bool) throws(JSONParseError) {
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        position += 1
        depth += 1
        if depth > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        skipWhitespace()
        if position < end, base[position] == close {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            if isObject {
                guard position < end, base[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                position = try JSONScan.validateString(base, from: position, end: end)
                skipWhitespace()
                guard position < end, base[position] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
                position += 1
                skipWhitespace()
            }
            try value()
            skipWhitespace()
            guard position < end else {
                throw error(isObject ? "unexpected end of input inside an object" : "unexpected end of input inside an array")
            }
            let byte = base[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == close { break }
            position -= 1
            throw error(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
        }
        depth -= 1
    }

    private mutating func number() throws(JSONParseError) {
        if base[position] == UInt8(ascii: "-") {
            position += 1
            if position < end, base[position] == UInt8(ascii: "I") {
                try literal("Infinity")
                return
            }
        }
        position = try JSONScan.scanNumber(base, from: position, end: end).end
    }

    private mutating func literal(_ text: StaticString) throws(JSONParseError) {
        guard JSONScan.hasLiteral(text, base, at: position, end: end) else { throw error("invalid literal, expected '\(text)'") }
        position += text.utf8CodeUnitCount
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        position = JSONScan.skipWhitespace(base, from: position, end: end)
    }

    private func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }
}
