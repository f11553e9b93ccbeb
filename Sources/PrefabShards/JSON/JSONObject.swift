import Foundation

/// A JSON object whose members keep the order they were written or parsed in.
///
/// Order matters for records: a JSONL line written back out reads as it came in, and an MDS
/// `json` column holds the object in its original order (as Python's `json.dumps` does). Equality
/// ignores order, as JSON (and Python's `dict`) does. Lookup is a linear scan, which beats
/// hashing for the dozen or so keys a record has; a repeated key keeps its first position and
/// its last value, like Python's `json.loads`.
public struct JSONObject: Sendable {
    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]

    public init() {
        keys = []
        values = []
    }

    public init(_ members: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in members { self[key] = value }
    }

    /// Appends without looking for an existing key; the parser uses it after checking.
    init(uncheckedKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key`, comparing UTF-8 bytes (no Unicode normalisation, like Python).
    public func index(forKey key: String) -> Int? {
        var utf8Key = key
        return utf8Key.withUTF8 { wanted in
            for position in keys.indices {
                var candidate = keys[position]
                let equal = candidate.withUTF8 { $0.count == wanted.count && memcmpEqual($0, wanted) }
                if equal { return position }
            }
            return nil
        }
    }

    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = index(forKey: key) else { return nil }
            return values[position]
        }
        set {
            if let position = index(forKey: key) {
                if let newValue {
                    values[position] = newValue
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Sets `key` to `value`, appending it when new. Returns whether the key already existed.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> Bool {
        if let position = index(forKey: key) {
            values[position] = value
            return true
        }
        keys.append(key)
        values.append(value)
        return false
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = index(forKey: key) else { return nil }
        keys.remove(at: position)
        return values.remove(at: position)
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    if a.count == 0 { return true }
    return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
}

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        var keys: IndexingIterator<[String]>
        var values: IndexingIterator<[JSONValue]>
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard let key = keys.next(), let value = values.next() else { return nil }
            return (key, value)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(keys: keys.makeIterator(), values: values.makeIterator())
    }

    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: Equatable {
    /// Same members with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        // Fast path: same order.
        if lhs.keys.elementsEqual(rhs.keys, by: { $0.utf8.elementsEqual($1.utf8) }) {
            return lhs.values == rhs.values
        }
        for (key, value) in lhs {
            guard let other = rhs[key], other == value else { return false }
        }
        return true
    }
}

extension JSONObject: Hashable {
    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine a commutative sum of per-member hashes.
        var sum = 0
        for (key, value) in self {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            sum &+= member.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONObject: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String { JSONValue.object(self).serialized() }
}
