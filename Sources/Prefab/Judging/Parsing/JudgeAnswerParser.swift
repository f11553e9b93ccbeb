import Foundation
import PrefabShards

/// Reads a judge's answer in any of the shapes judges give: the requested JSON (bare, fenced, or
/// inside prose), else free text. Used for structured and free-text judges alike, so a model
/// that ignores `response_format` is still read, and a cut-off JSON answer falls back to prose.
package enum JudgeAnswerParser {
    static let ratingKeys = ["rating", "score", "grade", "result", "value"]
    static let rationaleKeys = ["rationale", "explanation", "reason", "reasoning", "justification", "feedback", "critique", "comment"]
    static let typeKeys = ["types", "type"]
    static let listKeys = ["ratings", "results", "evaluations", "scores", "texts", "completions", "outputs", "responses", "items", "annotations"]

    /// One rating (single mode).
    package static func rating(from answer: String, scale: RatingScale) -> Result<ParsedRating, JudgeParseFailure> {
        if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .failure(.empty) }
        var failure: JudgeParseFailure?
        for value in EmbeddedJSON.values(in: answer) {
            var item = value
            if case .array(let items) = value, items.count == 1 { item = items[0] }
            if let rated = listItems(of: value), rated.count == 1 { item = rated[0] }
            switch interpretRating(item, scale: scale) {
            case .success(let parsed)?: return .success(parsed)
            case .failure(let reason)?: failure = failure ?? reason
            case nil: continue
            }
        }
        let text = FreeTextParser.rating(in: answer[...], scale: scale)
        if case .failure(let reason) = text, let failure, reason == .noRating { return .failure(failure) }
        return text
    }

    /// One rating per completion, in the order shown (multi mode).
    package static func ratings(from answer: String, count: Int, scale: RatingScale) -> [Result<ParsedRating, JudgeParseFailure>] {
        if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return Array(repeating: .failure(.empty), count: count)
        }
        for value in EmbeddedJSON.values(in: answer) {
            guard let items = listItems(of: value) else { continue }
            let ordered = reorder(items, count: count)
            guard ordered.count == count else {
                if count > 0, items.count != count {
                    return Array(repeating: .failure(.wrongCount(expected: count, found: items.count)), count: count)
                }
                continue
            }
            return ordered.map { interpretRating($0, scale: scale) ?? .failure(.noRating) }
        }
        if count == 1, EmbeddedJSON.values(in: answer).count > 0 { return [rating(from: answer, scale: scale)] }
        return FreeTextParser.ratings(in: answer, count: count, scale: scale)
    }

    /// A pairwise verdict.
    package static func verdict(from answer: String) -> Result<ParsedVerdict, JudgeParseFailure> {
        if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .failure(.empty) }
        for value in EmbeddedJSON.values(in: answer) {
            guard let label = value.value(forAnyOf: ["verdict", "winner", "better", "preferred", "preference", "choice", "answer"])?.text
            else { continue }
            if let verdict = PairwiseVerdict(label: label) ?? FreeTextParser.verdictLabel(in: label) {
                let rationale = value.value(forAnyOf: rationaleKeys)?.text ?? ""
                return .success(ParsedVerdict(verdict: verdict, rationale: rationale))
            }
        }
        return FreeTextParser.verdict(in: answer)
    }

    /// A critique and its overall score.
    package static func critique(from answer: String, scale: RatingScale) -> Result<ParsedCritique, JudgeParseFailure> {
        if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .failure(.empty) }
        for value in EmbeddedJSON.values(in: answer) {
            guard let scoreValue = value.value(forAnyOf: ["overall_score", "overall", "score", "rating"]) else { continue }
            let words = value.value(forAnyOf: ["critique", "feedback", "rationale", "explanation"])?.text ?? ""
            guard let rating = ratingValue(scoreValue) else { return .failure(.noRating) }
            guard let score = rating.score, scale.contains(score) else { return .failure(.outOfScale(rating.description)) }
            return .success(ParsedCritique(critique: words, score: score))
        }
        return FreeTextParser.critique(in: answer, scale: scale)
    }

    // MARK: - JSON shapes

    /// A rating object (`{"rating": 4, "rationale": …}`), or a bare number or string.
    static func interpretRating(_ value: JSONValue, scale: RatingScale) -> Result<ParsedRating, JudgeParseFailure>? {
        let ratingField: JSONValue
        var parsed = ParsedRating(rating: .notApplicable)
        switch value {
        case .object:
            guard let field = value.value(forAnyOf: ratingKeys) else { return nil }
            ratingField = field
            parsed.rationale = value.value(forAnyOf: rationaleKeys)?.text ?? ""
            parsed.types = value.value(forAnyOf: typeKeys)?.labels
            parsed.rationaleForRating = value.value(forAnyOf: ["rationale_for_rating", "rating_rationale"])?.text
        case .int, .double, .string:
            ratingField = value
        default:
            return nil
        }
        guard let rating = ratingValue(ratingField) else { return .failure(.noRating) }
        guard let valid = scale.validate(rating) else { return .failure(.outOfScale(rating.description)) }
        parsed.rating = valid
        return .success(parsed)
    }

    static func ratingValue(_ value: JSONValue) -> RatingValue? {
        switch value {
        case .int, .double: value.doubleValue.map(RatingValue.score)
        case .string(let text): FreeTextParser.ratingValue(fromString: text)
        case .null: .notApplicable
        default: nil
        }
    }

    /// The per-completion entries of a multi answer, in shown order: `{"A": {...}, "B": {...}}`
    /// (keys may also read "Response A", "text_2", "1"), `{"ratings": [...]}`, or a top-level array.
    static func listItems(of value: JSONValue) -> [JSONValue]? {
        switch value {
        case .array(let items):
            return items
        case .object(let object):
            if let inner = value.value(forAnyOf: listKeys), case .array(let items) = inner { return items }
            if let inner = value.value(forAnyOf: listKeys), case .object = inner, let items = listItems(of: inner) { return items }
            var labelled: [(Int, JSONValue)] = []
            for (key, item) in object {
                guard let position = labelPosition(key) else { return nil }
                labelled.append((position, item))
            }
            guard !labelled.isEmpty, Set(labelled.map(\.0)).count == labelled.count else { return nil }
            return labelled.sorted { $0.0 < $1.0 }.map(\.1)
        default:
            return nil
        }
    }

    /// The shown position a key names: "A", "Response B", "text_2", "Output (c)".
    static func labelPosition(_ key: String) -> Int? {
        var text = key.lowercased().filter { $0.isLetter || $0.isNumber }
        for prefix in ["response", "completion", "answer", "output", "text"] where text.hasPrefix(prefix) && text.count > prefix.count {
            text = String(text.dropFirst(prefix.count))
            break
        }
        return CompletionLabel.position(of: text)
    }

    /// Puts entries in shown order when each names its text ("text": 2 or "index": 1); leaves
    /// them as they are otherwise.
    static func reorder(_ items: [JSONValue], count: Int) -> [JSONValue] {
        let numbers = items.map { item -> Int? in
            guard let label = item.value(forAnyOf: ["text", "index", "id", "completion", "response"])?.text else { return nil }
            return Int(label.filter(\.isNumber))
        }
        let known = numbers.compactMap { $0 }
        guard known.count == items.count, Set(known).count == items.count else { return items }
        if Set(known) == Set(1...max(items.count, 1)) {
            return zip(numbers, items).sorted { $0.0! < $1.0! }.map(\.1)
        }
        if Set(known) == Set(0..<items.count) {
            return zip(numbers, items).sorted { $0.0! < $1.0! }.map(\.1)
        }
        return items
    }
}
