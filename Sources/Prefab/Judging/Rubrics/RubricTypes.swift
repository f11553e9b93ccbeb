import Foundation

/// A rubric's second, categorical answer (UltraFeedback's hallucination and informativeness
/// types): the judge answers item ids, the record stores their codes.
package struct RubricTypes: Codable, Hashable, Sendable {
    package enum Selection: String, Codable, Hashable, Sendable, CaseIterable {
        case many, one
    }

    package struct Item: Codable, Hashable, Sendable {
        /// What the judge answers (`[a-z0-9_]+`).
        package var id: String
        /// What the record stores under `Type` (UltraFeedback's "1", "2", …).
        package var code: String
        package var label: String
        package var description: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, code, label, description
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            code = try c.decode(String.self, forKey: .code)
            label = try c.decode(String.self, forKey: .label)
            description = try c.decode(String.self, forKey: .description)
            guard Rubric.isIdentifier(id) else {
                throw DecodingError.dataCorruptedError(forKey: .id, in: c, debugDescription: "'\(id)' must match [a-z0-9_]+")
            }
        }
    }

    package var question: String
    package var select: Selection
    /// The code written when no type is picked (truthfulness: "0").
    package var noneCode: String?
    package var items: [Item]

    /// Codes for the judge's answer, or the first label that names no item. Ids, codes and
    /// labels are all accepted (case-insensitively): free-text judges write "1, 3" as often as ids.
    package func codes(for answer: [String]) -> Result<[String], JudgeParseFailure> {
        var codes: [String] = []
        for raw in answer {
            let label = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if ["none", "no", "n/a", "", noneCode ?? "\u{0}"].contains(label) { continue }
            guard let item = items.first(where: { $0.id == label || $0.code.lowercased() == label || $0.label.lowercased() == label })
            else { return .failure(.unknownType(raw)) }
            if !codes.contains(item.code) { codes.append(item.code) }
        }
        if codes.isEmpty, let noneCode { codes = [noneCode] }
        return .success(codes)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case question, select, items
        case noneCode = "none_code"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        question = try c.decode(String.self, forKey: .question)
        select = try c.decode(Selection.self, forKey: .select)
        noneCode = try c.decodeIfPresent(String.self, forKey: .noneCode)
        items = try c.decodeDistinctList(forKey: .items, of: "type", identifiedBy: "id") { (item: Item) in item.id }
    }
}
