/// Canonical JSON text: one spelling per value, so equal values give equal bytes.
///
/// Request bodies sent to model servers and the requests the response cache hashes use this form:
/// compact, object members sorted by key (code point order, whatever order they were built in),
/// integral doubles within ±10^15 written as integers (`1.0` and `1` are the same request), other
/// numbers in Swift's shortest round-trip form (`0.7`, `1e-05`), and non-finite numbers as `null`
/// (JSON has no NaN or infinity, and a server would reject the body). Integers stay integers, so a
/// schema's `"maxLength": 200` goes out as `200`.
extension JSONValue {
    /// This value's canonical JSON text as UTF-8 bytes.
    public func canonicalBytes() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        CanonicalJSONWriter().write(self, to: &buffer)
        return buffer
    }
}

extension JSONObject {
    /// This object's canonical JSON text as UTF-8 bytes (see `JSONValue.canonicalBytes()`).
    public func canonicalBytes() -> [UInt8] {
        JSONValue.object(self).canonicalBytes()
    }
}

/// Pieces of canonical JSON text, for a writer that emits an object of known keys in their
/// sorted order itself (the response cache's key: no object is built and no key sorted per
/// request). Each piece is spelled exactly as `JSONValue.canonicalBytes()` spells it.
package enum CanonicalJSON {
    private static let writer = CanonicalJSONWriter()

    package static func append(_ value: JSONValue, to out: inout [UInt8]) {
        writer.write(value, to: &out)
    }

    package static func append(_ string: String, to out: inout [UInt8]) {
        writer.strings.writeString(string, to: &out)
    }

    package static func append(_ number: Int64, to out: inout [UInt8]) {
        JSONSerializer.appendInteger(number, to: &out)
    }

    package static func append(_ number: Double, to out: inout [UInt8]) {
        CanonicalJSONWriter.appendDouble(number, to: &out)
    }

    package static func append(_ flag: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    /// `"key":`, the key written as a string is.
    package static func appendKey(_ key: String, to out: inout [UInt8]) {
        writer.strings.writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }
}

/// Writes `JSONValue.canonicalBytes()`; strings escape as the compact style does.
private struct CanonicalJSONWriter {
    let strings = JSONSerializer(style: .compact)

    func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): JSONSerializer.appendInteger(number, to: &out)
        case .double(let number): Self.appendDouble(number, to: &out)
        case .string(let string): strings.writeString(string, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let order = object.keys.indices.sorted { JSONSerializer.codePointLess(object.keys[$0], object.keys[$1]) }
            for (position, index) in order.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                strings.writeString(object.keys[index], to: &out)
                out.append(UInt8(ascii: ":"))
                write(object.values[index], to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func appendDouble(_ number: Double, to out: inout [UInt8]) {
        guard number.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if number == number.rounded(), abs(number) < 1e15 {
            JSONSerializer.appendInteger(Int64(number), to: &out)
        } else {
            // Swift prints the shortest text that reads back as the same Double.
            out.append(contentsOf: number.description.utf8)
        }
    }
}
