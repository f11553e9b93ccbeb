/// A value with an empty form (`""`, `0`, `false`, `[]`, `[:]`): what a missing key means in
/// records and reports that grew fields over time.
public protocol EmptyDefault {
    init()
}

extension String: EmptyDefault {}
extension Int: EmptyDefault {}
extension Double: EmptyDefault {}
extension Bool: EmptyDefault {}
extension Array: EmptyDefault {}
extension Dictionary: EmptyDefault {}

/// Marks a stored property whose key may be missing (or `null`) when decoding: it then decodes
/// as the empty value. Files written before the field existed, and by other tools, keep
/// reading, while the type keeps its synthesized `Codable` instead of a hand-written
/// `init(from:)` that repeats `decodeIfPresent(…) ?? empty` once per field.
///
/// Encoding writes the value as it is, so the output is byte for byte what the synthesized
/// encoding of the bare property writes.
@propertyWrapper
public struct DefaultIfAbsent<Value: Codable & EmptyDefault> {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }
}

extension DefaultIfAbsent: Codable {
    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension DefaultIfAbsent: Equatable where Value: Equatable {}
extension DefaultIfAbsent: Hashable where Value: Hashable {}
extension DefaultIfAbsent: Sendable where Value: Sendable {}

extension KeyedDecodingContainer {
    /// What the synthesized `init(from:)` calls for a `@DefaultIfAbsent` property: the key's
    /// value, or the empty value when the key is missing or null.
    public func decode<Value>(_ type: DefaultIfAbsent<Value>.Type, forKey key: Key) throws -> DefaultIfAbsent<Value> {
        DefaultIfAbsent(wrappedValue: try decodeIfPresent(Value.self, forKey: key) ?? Value())
    }
}
