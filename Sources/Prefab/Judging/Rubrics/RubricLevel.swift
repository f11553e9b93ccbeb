/// One anchor of a rubric's scale: the score and what earns it.
public struct RubricLevel: Codable, Hashable, Sendable {
    public var score: Int
    public var label: String
    public var description: String

    public init(score: Int, label: String, description: String) {
        self.score = score
        self.label = label
        self.description = description
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case score, label, description
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        score = try c.decode(Int.self, forKey: .score)
        label = try c.decode(String.self, forKey: .label)
        description = try c.decode(String.self, forKey: .description)
    }
}
