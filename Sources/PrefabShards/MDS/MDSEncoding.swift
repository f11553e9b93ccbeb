import Foundation

/// An MDS column encoding, named as MosaicML Streaming names it, with the byte layout its
/// `mds_encode`/`mds_decode` use.
///
/// Records are JSON, so values map to and from `JSONValue`: `str` ↔ string, `json` ↔ any
/// value, integer encodings ↔ integer, float encodings ↔ number, `bytes` ↔ base64 string
/// (JSON has no byte strings), `str_int`/`str_float` ↔ number stored as its decimal text.
/// Image, pickle and ndarray encodings are not supported.
public enum MDSEncoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case str, json, bytes
    case int, int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case float32, float64
    case str_int, str_float

    public var description: String { rawValue }

    /// Bytes per value for fixed-width encodings; nil for variable width (a u32 length precedes
    /// the sample's data).
    public var fixedSize: Int? {
        switch self {
        case .str, .json, .bytes, .str_int, .str_float: nil
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int, .int64, .uint64, .float64: 8
        }
    }

    public static func parse(_ name: String) throws(ShardError) -> MDSEncoding {
        guard let encoding = MDSEncoding(rawValue: name) else {
            throw .invalidArgument("unknown MDS encoding '\(name)' (supported: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return encoding
    }

    /// Appends the encoded value; throws a reason when the value does not fit the encoding.
    func encode(_ value: JSONValue, into out: inout [UInt8]) throws(MDSValueError) {
        switch self {
        case .str:
            guard case .string(let string) = value else { throw mismatch(value, "a string") }
            out.append(contentsOf: string.utf8)
        case .json:
            value.write(to: &out, style: .python)
        case .bytes:
            guard case .string(let string) = value else { throw mismatch(value, "a base64 string") }
            guard let data = Data(base64Encoded: string) else { throw MDSValueError("expected base64 text for a bytes column") }
            out.append(contentsOf: data)
        case .int, .int64: try appendInteger(value, Int64.self, into: &out)
        case .int8: try appendInteger(value, Int8.self, into: &out)
        case .int16: try appendInteger(value, Int16.self, into: &out)
        case .int32: try appendInteger(value, Int32.self, into: &out)
        case .uint8: try appendInteger(value, UInt8.self, into: &out)
        case .uint16: try appendInteger(value, UInt16.self, into: &out)
        case .uint32: try appendInteger(value, UInt32.self, into: &out)
        case .uint64: try appendInteger(value, UInt64.self, into: &out)
        case .float64:
            guard let number = value.doubleValue else { throw mismatch(value, "a number") }
            Self.append(number.bitPattern, to: &out)
        case .float32:
            guard let number = value.doubleValue else { throw mismatch(value, "a number") }
            Self.append(Float(number).bitPattern, to: &out)
        case .str_int:
            guard let integer = value.intValue, value.doubleValue != nil else { throw mismatch(value, "an integer") }
            out.append(contentsOf: String(integer).utf8)
        case .str_float:
            guard let number = value.doubleValue else { throw mismatch(value, "a number") }
            out.append(contentsOf: PythonFloatFormat.repr(number).utf8)
        }
    }

    private func appendInteger<T: FixedWidthInteger>(_ value: JSONValue, _: T.Type, into out: inout [UInt8]) throws(MDSValueError) {
        let integer: T?
        switch value {
        case .int(let number): integer = T(exactly: number)
        case .double(let number): integer = number.rounded(.towardZero) == number ? T(exactly: number) : nil
        default: throw mismatch(value, "an integer")
        }
        guard let integer else {
            throw MDSValueError("\(value) does not fit \(rawValue) (\(T.min)...\(T.max), whole numbers only)")
        }
        Self.append(integer, to: &out)
    }

    private func mismatch(_ value: JSONValue, _ expected: String) -> MDSValueError {
        MDSValueError("expected \(expected) for a \(rawValue) column, found \(value.kindName)")
    }

    @inline(__always)
    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Decodes one value from its bytes.
    func decode(_ bytes: UnsafeRawBufferPointer) throws(MDSValueError) -> JSONValue {
        if let size = fixedSize, bytes.count != size {
            throw MDSValueError("\(rawValue) value has \(bytes.count) bytes, expected \(size)")
        }
        switch self {
        case .str:
            guard let string = String(validating: bytes, as: UTF8.self) else { throw MDSValueError("str value is not valid UTF-8") }
            return .string(string)
        case .json:
            do {
                return try JSONValue(parsing: bytes)
            } catch {
                throw MDSValueError("json value is not valid JSON: \(error)")
            }
        case .bytes:
            return .string(Data(bytes).base64EncodedString())
        case .int, .int64: return .int(bytes.loadUnaligned(as: Int64.self).littleEndian)
        case .int8: return .int(Int64(bytes.loadUnaligned(as: Int8.self)))
        case .int16: return .int(Int64(bytes.loadUnaligned(as: Int16.self).littleEndian))
        case .int32: return .int(Int64(bytes.loadUnaligned(as: Int32.self).littleEndian))
        case .uint8: return .int(Int64(bytes.loadUnaligned(as: UInt8.self)))
        case .uint16: return .int(Int64(bytes.loadUnaligned(as: UInt16.self).littleEndian))
        case .uint32: return .int(Int64(bytes.loadUnaligned(as: UInt32.self).littleEndian))
        case .uint64:
            let value = bytes.loadUnaligned(as: UInt64.self).littleEndian
            // JSON integers here are Int64; larger values come back as the nearest double.
            return Int64(exactly: value).map(JSONValue.int) ?? .double(Double(value))
        case .float64: return .double(Double(bitPattern: bytes.loadUnaligned(as: UInt64.self).littleEndian))
        case .float32: return .double(Double(Float(bitPattern: bytes.loadUnaligned(as: UInt32.self).littleEndian)))
        case .str_int:
            guard let text = String(validating: bytes, as: UTF8.self), let value = Int64(text) else {
                throw MDSValueError("str_int value is not a decimal integer")
            }
            return .int(value)
        case .str_float:
            guard let text = String(validating: bytes, as: UTF8.self), let value = Double(text) else {
                throw MDSValueError("str_float value is not a decimal number")
            }
            return .double(value)
        }
    }
}

/// Why a value does not fit (or cannot be decoded from) a column; the caller adds file, sample
/// and field.
struct MDSValueError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
