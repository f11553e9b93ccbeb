import Foundation

/// A gold preference pair (`datasets/judge-eval/gold.jsonl`): a prompt, the answer that is right
/// and the one that is wrong, for measuring judges.
package struct GoldPair: Codable, Hashable, Sendable {
    package var id: String
    package var prompt: String
    package var chosen: String
    package var rejected: String
    /// `arithmetic`, `instruction`, `factual`, …
    package var kind: String?
    package var note: String?
    package var reference: String?
    /// Reviewers' 1–5 ratings of each side's aspects (aspect → rating), when the pair comes from
    /// `prefab review --export` and they rated any; evaluation reads only which side is chosen.
    package var ratings: Ratings?

    package struct Ratings: Codable, Hashable, Sendable {
        package var chosen: [String: Double]
        package var rejected: [String: Double]

        package init(chosen: [String: Double], rejected: [String: Double]) {
            self.chosen = chosen
            self.rejected = rejected
        }
    }

    /// Reads a JSON Lines file of gold pairs; a bad line is an error naming the file, the line
    /// and the field.
    package static func load(file: String) throws(JudgeEvaluationError) -> [GoldPair] {
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(file: file) }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalid(file: file, line: 0, message: "not valid UTF-8") }
        var pairs: [GoldPair] = []
        var ids: Set<String> = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            if line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            let pair: GoldPair
            do {
                pair = try JSONDecoder().decode(GoldPair.self, from: Data(line.utf8))
            } catch DecodingError.keyNotFound(let key, _) {
                throw .invalid(file: file, line: number, message: "missing field '\(key.stringValue)'")
            } catch DecodingError.typeMismatch(_, let context) {
                throw .invalid(file: file, line: number, message: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': wrong type")
            } catch {
                throw .invalid(file: file, line: number, message: "not a JSON object")
            }
            for (field, value) in [("id", pair.id), ("prompt", pair.prompt), ("chosen", pair.chosen), ("rejected", pair.rejected)]
            where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw .invalid(file: file, line: number, message: "field '\(field)' is empty")
            }
            guard ids.insert(pair.id).inserted else { throw .invalid(file: file, line: number, message: "duplicate id '\(pair.id)'") }
            pairs.append(pair)
        }
        guard !pairs.isEmpty else { throw .invalid(file: file, line: 0, message: "no gold pairs") }
        return pairs
    }
}
