import Foundation
import Testing

@testable import Prefab

/// Regression corpora of realistic judge answers, each with the reading a careful human would
/// give (or none, where the answer commits to nothing unambiguous). The free-text readers once
/// took the first verdict-like word ("Verdict: a clear win for B" read as A); these corpora pin
/// down what is read, and what is left unreadable so the judge is asked again.
@Suite("Judge answer corpora")
struct JudgeAnswerCorpusTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/judging")

    struct Entry {
        var answer: String
        /// "A", "B", "tie", a number, "N/A", or nil for an answer that must stay unreadable.
        var expected: Any?
        var note: String
    }

    static func entries(_ name: String) throws -> [Entry] {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let expected = object["expected"].flatMap { $0 is NSNull ? nil : $0 }
            return Entry(answer: try #require(object["answer"] as? String), expected: expected, note: object["note"] as? String ?? "")
        }
    }

    /// The corpus must keep covering what the issue asks for: enough answers, all three
    /// verdicts and unreadable ones, so a reader that always says "A" cannot pass.
    @Test("the pairwise corpus has at least 60 answers covering A, B, tie and unreadable")
    func pairwiseCorpusShape() throws {
        let entries = try Self.entries("pairwise-verdicts.jsonl")
        #expect(entries.count >= 60)
        let expected = entries.map { $0.expected as? String ?? "unreadable" }
        for kind in ["A", "B", "tie", "unreadable"] {
            #expect(expected.filter { $0 == kind }.count >= 8, "\(kind)")
        }
    }

    /// Every answer reads as its entry says: a verdict from an unambiguous form, or a failure
    /// (which the judge retries, then records as a failed vote) for anything else.
    @Test("reads every pairwise answer in the corpus as expected")
    func pairwiseCorpus() throws {
        for entry in try Self.entries("pairwise-verdicts.jsonl") {
            let read: String? = switch JudgeAnswerParser.verdict(from: entry.answer) {
            case .success(let parsed): parsed.verdict == .tie ? "tie" : parsed.verdict.rawValue
            case .failure: nil
            }
            #expect(read == entry.expected as? String, "\(entry.note): \(entry.answer.debugDescription)")
        }
    }

    @Test("the rating corpus has at least 20 answers, readable and unreadable")
    func ratingCorpusShape() throws {
        let entries = try Self.entries("rating-answers.jsonl")
        #expect(entries.count >= 20)
        #expect(entries.filter { $0.expected == nil }.count >= 5)
        #expect(entries.filter { $0.expected != nil }.count >= 15)
    }

    /// Ratings on a 1–5 scale that allows N/A: the judge's final rating, never a number from its
    /// reasoning, a hedge ("3-4") or a score on another scale ("5/10").
    @Test("reads every rating answer in the corpus as expected")
    func ratingCorpus() throws {
        let scale = RatingScale(min: 1, max: 5, allowsNotApplicable: true)
        for entry in try Self.entries("rating-answers.jsonl") {
            let read: String? = switch JudgeAnswerParser.rating(from: entry.answer, scale: scale) {
            case .success(let parsed): parsed.rating.description
            case .failure: nil
            }
            let expected: String? = switch entry.expected {
            case let number as NSNumber: RatingValue.score(number.doubleValue).description
            case let text as String: text
            default: nil
            }
            #expect(read == expected, "\(entry.note): \(entry.answer.debugDescription)")
        }
    }
}
