import Foundation

/// A strict, allocation-light JSON parser over UTF-8 bytes.
///
/// Accepts RFC 8259 JSON plus `NaN`, `Infinity` and `-Infinity`, which Python's `json` module
/// writes for non-finite floats. Rejects raw control characters in strings, invalid UTF-8,
/// trailing content, and nesting deeper than `maximumDepth`. A lone UTF-16 surrogate escape
/// (which Python accepts) becomes U+FFFD, since a Swift `String` cannot hold one.
struct JSONParser: ~Copyable {
    static let maximumDepth = 512

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position = 0
    private var depth = 0
    /// Scratch for strings with escapes, reused across strings.
    private var scratch: [UInt8] = []

    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; every read checks `position < end` first,
        // so a placeholder address is never dereferenced.
        base = (bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 0x1)!).assumingMemoryBound(to: UInt8.self)
        end = bytes.count
    }

    /// Parses one complete value; only whitespace may follow it.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < end { throw error("unexpected content after the JSON value") }
        return value
    }

    // MARK: values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < end else { throw error("unexpected end of input, expected a value") }
        switch base[position] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "N"): try expectLiteral("NaN"); return .double(.nan)
        case UInt8(ascii: "I"): try expectLiteral("Infinity"); return .double(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character \(describe(base[position])), expected a value")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONObject {
        position += 1  // {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth)") }
        defer { depth -= 1 }
        var keys: [String] = []
        var values: [JSONValue] = []
        skipWhitespace()
        if position < end, base[position] == UInt8(ascii: "}") {
            position += 1
            return JSONObject(uncheckedKeys: keys, values: values)
        }
        var duplicates = false
        // Past a handful of keys, a set finds repeats faster than scanning. Swift's `==` on
        // strings is Unicode-canonical, so it may over-report; the checked rebuild below compares bytes.
        var seen: Set<String>? = nil
        while true {
            skipWhitespace()
            guard position < end, base[position] == UInt8(ascii: "\"") else {
                throw error(position < end ? "expected a string key, found \(describe(base[position]))" : "unexpected end of input inside an object")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < end, base[position] == UInt8(ascii: ":") else {
                throw error(position < end ? "expected ':' after an object key, found \(describe(base[position]))" : "unexpected end of input inside an object")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            if !duplicates {
                if keys.count >= 16 {
                    if seen == nil { seen = Set(keys) }
                    if !seen!.insert(key).inserted { duplicates = true }
                } else if keys.contains(where: { $0.utf8.count == key.utf8.count && $0 == key }) {
                    duplicates = true
                }
            }
            keys.append(key)
            values.append(value)
            if try closes(UInt8(ascii: "}"), "an object") { break }
        }
        if duplicates {
            // Rare: rebuild through the checked path (first position, last value).
            var object = JSONObject()
            for (key, value) in zip(keys, values) { object[key] = value }
            return object
        }
        return JSONObject(uncheckedKeys: keys, values: values)
    }

    private mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        position += 1  // [
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth)") }
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < end, base[position] == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            if try closes(UInt8(ascii: "]"), "an array") { break }
        }
        return elements
    }

    /// Reads what follows a member of an object or an element of an array: a comma (false:
    /// another follows) or the `closing` bracket (true: the container ends), both consumed.
    /// Anything else is an error naming the container (`"an object"`, `"an array"`).
    @inline(__always)
    private mutating func closes(_ closing: UInt8, _ container: StaticString) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < end else { throw error("unexpected end of input inside \(container)") }
        let byte = base[position]
        position += 1
        if byte == UInt8(ascii: ",") { return false }
        if byte == closing { return true }
        position -= 1
        throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))' in \(container), found \(describe(byte))")
    }

    // MARK: strings

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        position += 1  // opening quote
        let contentStart = position
        var escaped = false
        while true {
            // A run of bytes that need nothing (ASCII text, and non-ASCII bytes, which are
            // validated as UTF-8 when the string is made).
            var runEnd = JSONScan.skipPlainStringBytes(base, from: position, end: end)
            while runEnd < end, base[runEnd] >= 0x80 {
                runEnd = JSONScan.skipPlainStringBytes(base, from: runEnd + 1, end: end)
            }
            guard runEnd < end else {
                position = start
                throw error("unterminated string")
            }
            let byte = base[runEnd]
            if byte == UInt8(ascii: "\"") {
                let string: String
                if escaped {
                    scratch.append(contentsOf: UnsafeBufferPointer(start: base + position, count: runEnd - position))
                    let bytes = scratch
                    string = try bytes.withBytes { raw throws(JSONParseError) in
                        try makeString(raw.assumingMemoryBound(to: UInt8.self), at: contentStart)
                    }
                } else {
                    string = try makeString(UnsafeBufferPointer(start: base + contentStart, count: runEnd - contentStart), at: contentStart)
                }
                position = runEnd + 1
                return string
            }
            if byte < 0x20 {
                position = runEnd
                throw error("raw control character \(describe(byte)) in a string (escape it)")
            }
            // A backslash: copy the run, then decode the escape.
            if !escaped {
                escaped = true
                scratch.removeAll(keepingCapacity: true)
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + position, count: runEnd - position))
            position = runEnd + 1
            guard position < end else {
                position = start
                throw error("unterminated string")
            }
            let escape = base[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate wants a following \uDC00-\uDFFF.
                    if position + 1 < end, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") {
                        let save = position
                        position += 2
                        let low = try parseHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                JSONScan.appendUTF8(scalar, to: &scratch)
            default:
                position -= 1
                throw error("invalid escape '\\\(describe(escape))' in a string")
            }
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= end else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit \(describe(byte)) in a \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func makeString(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw JSONParseError(offset: offset, reason: "invalid UTF-8 in a string")
        }
        return string
    }

    // MARK: numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
            if position < end, base[position] == UInt8(ascii: "I") {
                try expectLiteral("Infinity")
                return .double(-.infinity)
            }
        }
        let integerStart = position
        let (tokenEnd, isInteger) = try JSONScan.scanNumber(base, from: position, end: end)
        position = tokenEnd
        // An integer token is all digits past its sign.
        let integerDigits = position - integerStart
        if isInteger, integerDigits <= 18 {
            var value: Int64 = 0
            for index in integerStart..<position { value = value &* 10 &+ Int64(base[index] &- UInt8(ascii: "0")) }
            return .int(negative ? -value : value)
        }
        if isInteger {
            // 19+ digits: exact when it fits Int64, else a double (as close as a double gets).
            var value: Int64 = 0
            var overflow = false
            for index in integerStart..<position {
                let digit = Int64(base[index] &- UInt8(ascii: "0"))
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (plus, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
                if o1 || o2 { overflow = true; break }
                value = plus
            }
            if !overflow { return .int(value) }
        }
        return .double(Self.parseDouble(base + start, count: position - start))
    }

    /// strtod on a NUL-terminated copy of the token (the token grammar is already checked).
    static func parseDouble(_ start: UnsafePointer<UInt8>, count: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
            raw.copyMemory(from: start, byteCount: count)
            buffer[count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    // MARK: helpers

    @inline(__always)
    private mutating func skipWhitespace() {
        position = JSONScan.skipWhitespace(base, from: position, end: end)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        guard JSONScan.hasLiteral(literal, base, at: position, end: end) else { throw error("invalid literal, expected '\(literal)'") }
        position += literal.utf8CodeUnitCount
    }

    private func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: false)
    }
}

extension JSONParser {
    /// Runs `parse` over the bytes of `bytes`. `withUnsafeBytes` takes an untyped-throwing
    /// closure, so a `Result` carries the typed parse error out: one home for that dance, for
    /// values and objects alike.
    @inline(__always)
    static func withBytes<T>(
        of bytes: some ContiguousBytes, _ parse: (UnsafeRawBufferPointer) throws(JSONParseError) -> T
    ) throws(JSONParseError) -> T {
        let result: Result<T, JSONParseError> = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) -> T in try parse(raw) }
        }
        return try result.get()
    }

    /// Runs `parse` over the UTF-8 of `text` (see `withBytes(of:_:)`).
    @inline(__always)
    static func withUTF8<T>(of text: String, _ parse: (UnsafeRawBufferPointer) throws(JSONParseError) -> T) throws(JSONParseError) -> T {
        var text = text
        let result: Result<T, JSONParseError> = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> T in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }
}

extension JSONValue {
    /// Parses JSON text (UTF-8 bytes).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONParseError) {
        var parser = JSONParser(bytes)
        self = try parser.parseDocument()
    }

    /// Parses JSON text (UTF-8 bytes).
    public init(parsing bytes: some ContiguousBytes) throws(JSONParseError) {
        self = try JSONParser.withBytes(of: bytes) { raw throws(JSONParseError) in try JSONValue(parsing: raw) }
    }

    /// Parses JSON text.
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser.withUTF8(of: text) { raw throws(JSONParseError) in try JSONValue(parsing: raw) }
    }
}

extension JSONObject {
    /// Parses JSON text that must be an object (a record, a JSONL line).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONParseError) {
        let value = try JSONValue(parsing: bytes)
        guard case .object(let object) = value else {
            throw JSONParseError(offset: 0, reason: "expected a JSON object, found \(value.kindName)")
        }
        self = object
    }

    public init(parsing bytes: some ContiguousBytes) throws(JSONParseError) {
        self = try JSONParser.withBytes(of: bytes) { raw throws(JSONParseError) in try JSONObject(parsing: raw) }
    }

    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser.withUTF8(of: text) { raw throws(JSONParseError) in try JSONObject(parsing: raw) }
    }
}
