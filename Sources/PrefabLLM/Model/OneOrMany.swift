/// A list a config may also write as its single element (`stop: "###"` for `stop: ["###"]`),
/// as the providers' APIs accept both. Absent or null reads as nil, and nil is left out when
/// encoding, as for any optional field; a list is written as a list.
@propertyWrapper
public struct OneOrMany<Element: Codable & Hashable & Sendable>: Hashable, Sendable {
    public var wrappedValue: [Element]?

    public init(wrappedValue: [Element]?) {
        self.wrappedValue = wrappedValue
    }
}

extension OneOrMany: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            wrappedValue = nil
        } else if let single = try? container.decode(Element.self) {
            wrappedValue = [single]
        } else {
            wrappedValue = try container.decode([Element].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    /// What the synthesized `init(from:)` calls for a `@OneOrMany` property: nil when the key is missing.
    public func decode<Element>(_ type: OneOrMany<Element>.Type, forKey key: Key) throws -> OneOrMany<Element> {
        try decodeIfPresent(type, forKey: key) ?? OneOrMany(wrappedValue: nil)
    }
}

extension KeyedEncodingContainer {
    /// What the synthesized `encode(to:)` calls for a `@OneOrMany` property: nothing when nil.
    public mutating func encode<Element>(_ value: OneOrMany<Element>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}
