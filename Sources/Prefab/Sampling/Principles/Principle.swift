/// A principle that steers how a model answers (helpfulness, honesty, truthfulness, verbalized
/// calibration, ...), given to the model as one of several interchangeable system prompts.
///
/// UltraFeedback sampled each completion under a principle so the pool's answers differ in kind,
/// not only in quality; Prefab keeps the principle and the exact system prompt in the record so
/// judges and audits can see what the model was asked to do. Read from `rubrics/principles/*.yaml`
/// (schema in `rubrics/README.md`).
public struct Principle: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    public var systemPrompts: [String]

    public init(name: String, description: String = "", systemPrompts: [String]) {
        self.name = name
        self.description = description
        self.systemPrompts = systemPrompts
    }

    /// The name a mix uses for "no principle": the conversation is sent without a system prompt.
    public static let noneName = "none"

    /// The no-principle principle: one empty system prompt, which the sampler leaves out.
    public static let none = Principle(name: noneName, description: "no system prompt", systemPrompts: [""])

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, name, description
        case systemPrompts = "system_prompts"
    }

    public init(from decoder: any Decoder) throws {
        // Unknown keys are tolerated here: principle files are data that later schema versions
        // may extend, and `schema` says which version a file follows.
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let schema = try c.decodeIfPresent(Int.self, forKey: .schema), schema != 1 {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: c, debugDescription: "unsupported schema \(schema); this Prefab reads schema 1")
        }
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        systemPrompts = try c.decode([String].self, forKey: .systemPrompts)
        if name.isEmpty || name == Self.noneName {
            throw DecodingError.dataCorruptedError(
                forKey: .name, in: c, debugDescription: "a principle's name must be non-empty and not '\(Self.noneName)'")
        }
        if systemPrompts.isEmpty {
            throw DecodingError.dataCorruptedError(
                forKey: .systemPrompts, in: c, debugDescription: "a principle needs at least one system prompt")
        }
        if let empty = systemPrompts.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: c.codingPath + [CodingKeys.systemPrompts, ConfigKey(intValue: empty)],
                    debugDescription: "empty system prompt"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(1, forKey: .schema)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(systemPrompts, forKey: .systemPrompts)
    }
}
