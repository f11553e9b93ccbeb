/// One anchor of a rubric's scale: the score and what earns it.
package struct RubricLevel: Codable, Hashable, Sendable {
    package var score: Int
    package var label: String
    package var description: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case score, label, description
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        score = try c.decode(Int.self, forKey: .score)
        label = try c.decode(String.self, forKey: .label)
        description = try c.decode(String.self, forKey: .description)
    }
}
