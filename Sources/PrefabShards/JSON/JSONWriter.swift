/// Writes compact JSON text piece by piece into a byte buffer.
///
/// For documents whose shape the writer knows and that are too hot to build as a `JSONValue`
/// tree first: the simulator writes every response body this way, thousands a second. Strings,
/// integers and numbers come out exactly as `JSONValue.serialized()` writes them in the compact
/// style; the punctuation between them is the caller's (`raw`), and is not checked.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private let serializer = JSONSerializer(style: .compact)

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends text that is already JSON: punctuation, literals, `"key":` spelled out.
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `value` as a JSON string literal.
    public mutating func string(_ value: String) {
        serializer.writeString(value, to: &bytes)
    }

    public mutating func int(_ value: Int) {
        JSONSerializer.appendInteger(Int64(value), to: &bytes)
    }

    /// Appends `value` as Python's `repr` spells it (`2.0`, `0.25`, `1e-05`).
    public mutating func double(_ value: Double) {
        serializer.write(.double(value), to: &bytes)
    }

    /// Appends a whole value.
    public mutating func value(_ value: JSONValue) {
        serializer.write(value, to: &bytes)
    }
}
