import Foundation

/// One thing a judge assesses, read from `rubrics/NAME.yaml` (format: `rubrics/README.md`): the
/// question, the scale and its anchors, optional types, and the bound on the rationale.
///
/// An `aspect` rubric becomes `annotations.NAME` and counts in the fine-grained score; a
/// `critique` rubric gives the record's `critique` text and (when the ensemble says so) its
/// `overall_score`.
package struct Rubric: Codable, Hashable, Sendable {
    package enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case aspect, critique
    }

    package var name: String
    package var kind: Kind
    package var title: String
    package var question: String
    /// The question to ask in pairwise mode, when `question` speaks of one response.
    package var comparison: String?
    package var guidance: [String]
    package var scale: RubricScale
    package var levels: [RubricLevel]
    package var types: RubricTypes?
    /// Upper bound on the rationale (or critique) length: stated in the prompt, enforced by the schema.
    package var rationaleMaxChars: Int

    package init(
        name: String, kind: Kind = .aspect, title: String, question: String, comparison: String? = nil,
        guidance: [String] = [], scale: RubricScale, levels: [RubricLevel], types: RubricTypes? = nil,
        rationaleMaxChars: Int = 120
    ) {
        self.name = name
        self.kind = kind
        self.title = title
        self.question = question
        self.comparison = comparison
        self.guidance = guidance
        self.scale = scale
        self.levels = levels
        self.types = types
        self.rationaleMaxChars = rationaleMaxChars
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, name, kind, title, question, comparison, guidance, scale, levels, types, output
    }

    private enum OutputKeys: String, CodingKey, CaseIterable {
        case rationaleMaxChars = "rationale_max_chars"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        try c.decodeSchemaVersion(forKey: .schema)
        name = try c.decode(String.self, forKey: .name)
        guard Self.isIdentifier(name) else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "'\(name)' must match [a-z0-9_]+")
        }
        kind = try c.decode(Kind.self, forKey: .kind)
        title = try c.decode(String.self, forKey: .title)
        question = try c.decode(String.self, forKey: .question)
        comparison = try c.decodeIfPresent(String.self, forKey: .comparison)
        guidance = try c.decodeIfPresent([String].self, forKey: .guidance) ?? []
        scale = try c.decode(RubricScale.self, forKey: .scale)
        levels = try c.decode([RubricLevel].self, forKey: .levels)
        types = try c.decodeIfPresent(RubricTypes.self, forKey: .types)
        let output = try c.nestedContainer(keyedBy: OutputKeys.self, forKey: .output)
        try c.superDecoder(forKey: .output).rejectUnknownKeys(OutputKeys.self)
        rationaleMaxChars = try output.decode(Int.self, forKey: .rationaleMaxChars)
        guard rationaleMaxChars > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .rationaleMaxChars, in: output, debugDescription: "must be a positive number of characters")
        }
        guard !levels.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .levels, in: c, debugDescription: "list at least one level")
        }
        var previous = Int.min
        for (index, level) in levels.enumerated() {
            let path = c.codingPath + [CodingKeys.levels, ConfigKey(intValue: index), ConfigKey(stringValue: "score")]
            guard (scale.min...scale.max).contains(level.score) else {
                throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: "score \(level.score) is outside the scale \(scale.min)-\(scale.max)"))
            }
            guard level.score > previous else {
                throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: "levels must be unique and in ascending order of score"))
            }
            previous = level.score
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(1, forKey: .schema)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(title, forKey: .title)
        try c.encode(question, forKey: .question)
        try c.encodeIfPresent(comparison, forKey: .comparison)
        try c.encode(guidance, forKey: .guidance)
        try c.encode(scale, forKey: .scale)
        try c.encode(levels, forKey: .levels)
        try c.encodeIfPresent(types, forKey: .types)
        var output = c.nestedContainer(keyedBy: OutputKeys.self, forKey: .output)
        try output.encode(rationaleMaxChars, forKey: .rationaleMaxChars)
    }

    /// Reads `rubrics/NAME.yaml`; the file name must equal the rubric's `name`.
    package static func load(file: String) throws(ConfigError) -> Rubric {
        let document = try ConfigDocument(contentsOf: file)
        let rubric = try document.decode(Rubric.self)
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        guard stem == rubric.name else {
            throw document.error(at: [CodingKeys.name], "the name '\(rubric.name)' must equal the file name '\(stem)'")
        }
        return rubric
    }
}
