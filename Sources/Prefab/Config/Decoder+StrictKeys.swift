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

    /// The value when it is a bare string: blocks that may be written as just their path
    /// (`prompts: data.jsonl`) or as a mapping (`prompts: {path: data.jsonl, limit: 10}`).
    func bareString() -> String? {
        (try? singleValueContainer()).flatMap { try? $0.decode(String.self) }
    }
}
