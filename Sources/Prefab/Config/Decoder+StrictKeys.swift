extension Decoder {
    /// Throws when the mapping being decoded has a key that `keys` does not list (a typo such as
    /// `temprature:` would otherwise be ignored silently), naming the keys it does accept.
    ///
    /// Config types call it first thing in `init(from:)`. `ConfigDocument` turns the error into
    /// one with the file, line and column of the unknown key.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(
        _ keys: Keys.Type, alsoAllowed: Set<String> = []
    ) throws {
        let container = try self.container(keyedBy: ConfigKey.self)
        let known = Keys.allCases.map(\.stringValue)
        for key in container.allKeys where !known.contains(key.stringValue) && !alsoAllowed.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "unknown key '\(key.stringValue)'; expected one of: \(known.joined(separator: ", "))")
        }
    }

    /// The keyed container of a config mapping that may hold only `Keys`: `rejectUnknownKeys`
    /// and `container(keyedBy:)` in one step, which is how every config block starts decoding.
    public func strictContainer<Keys: CodingKey & CaseIterable>(
        keyedBy keys: Keys.Type, alsoAllowed: Set<String> = []
    ) throws -> KeyedDecodingContainer<Keys> {
        try rejectUnknownKeys(keys, alsoAllowed: alsoAllowed)
        return try container(keyedBy: keys)
    }

    /// The value when it is a bare string: blocks that may be written as just their path
    /// (`prompts: data.jsonl`) or as a mapping (`prompts: {path: data.jsonl, limit: 10}`).
    func bareString() -> String? {
        (try? singleValueContainer()).flatMap { try? $0.decode(String.self) }
    }
}

extension KeyedDecodingContainer {
    /// Throws unless every pattern of the list at `key` compiles, naming the bad one by index, so
    /// a typo in a config's regex is reported when the config loads rather than when scoring.
    func checkRegularExpressions(_ patterns: [String], forKey key: Key) throws {
        for (index, pattern) in patterns.enumerated() where (try? Regex(pattern)) == nil {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: codingPath + [key, ConfigKey(intValue: index)],
                debugDescription: "not a valid regular expression: \(pattern)"))
        }
    }

    /// Decodes the list at `key`, which must hold at least one entry and no two entries with the
    /// same identifier (`field`, read by `id`): judges of an ensemble by name, a typed aspect's
    /// types by id. A repeat is reported at the entry that repeats, so the message points at
    /// the line to change.
    func decodeDistinctList<Element: Decodable>(
        forKey key: Key, of noun: String, identifiedBy field: String, _ id: (Element) -> String
    ) throws -> [Element] {
        let list = try decode([Element].self, forKey: key)
        guard !list.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "list at least one \(noun)")
        }
        var seen: Set<String> = []
        for (index, element) in list.enumerated() where !seen.insert(id(element)).inserted {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: codingPath + [key, ConfigKey(intValue: index), ConfigKey(stringValue: field)],
                debugDescription: "\(noun) \(field) '\(id(element))' is used twice"))
        }
        return list
    }

    /// Reads the file format version at `key` and refuses any but `supported`, so a file written
    /// for a later Prefab fails with a message instead of being half read.
    func decodeSchemaVersion(forKey key: Key, supported: Int = 1) throws {
        let schema = try decode(Int.self, forKey: key)
        guard schema == supported else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "unsupported schema \(schema); this Prefab reads schema \(supported)")
        }
    }
}
