import PrefabShards

/// Composes one simulated answer: plain text, a JSON object or JSON valid for a schema, then
/// cut at the first stop sequence or at `max_tokens`, whichever comes first.
struct AnswerComposer {
    /// What the request asked the answer to look like.
    enum Format {
        case text
        /// Any JSON object (`response_format: {type: json_object}`).
        case jsonObject
        /// JSON valid for this schema.
        case jsonSchema(JSONValue)

        var isStructured: Bool {
            if case .text = self { return false }
            return true
        }
    }

    /// Why the answer ended.
    enum Ending: Equatable {
        /// It was complete.
        case natural
        /// `max_tokens` cut it.
        case length
        /// A stop sequence cut it (the sequence itself is not part of the text).
        case stopSequence(String)
    }

    struct Answer {
        var text: String
        var ending: Ending
        var tokens: Int
    }

    var format: Format
    /// Length of plain-text answers, in words.
    var words: Int
    var maxTokens: Int?
    var stopSequences: [String]
    /// Answer a structured request with prose instead (the injected "unparseable" fault).
    var unparseable = false
    /// For a plain-text request under the `ultrafeedback-text` style whose prompt is an
    /// UltraFeedback annotation prompt: the rating sections it asks for, instead of prose.
    var ultraFeedback: UltraFeedbackTextAnswer? = nil

    func compose(text textGenerator: TextGenerator, generator: SplitMix64) -> Answer {
        var textGenerator = textGenerator
        var generator = generator
        var full: String
        switch format {
        case _ where unparseable:
            full = "I think the answer is fine. " + textGenerator.text(words: min(words, 24), using: &generator)
        case .text:
            if let ultraFeedback {
                full = ultraFeedback.compose(text: &textGenerator, using: &generator)
            } else {
                full = textGenerator.text(words: words, using: &generator)
            }
        case .jsonObject:
            let answer = textGenerator.text(words: min(words, 24), using: &generator)
            full = JSONValue.object(["answer": .string(answer)]).serialized()
        case .jsonSchema(let schema):
            var schemaGenerator = SchemaValueGenerator(root: schema, text: textGenerator, generator: generator)
            full = schemaGenerator.generate().serialized()
        }
        var ending = Ending.natural
        if let (range, sequence) = firstStop(in: full) {
            full = String(full[..<range.lowerBound])
            ending = .stopSequence(sequence)
        }
        if let maxTokens {
            let cut = SimulatedTokenizer.prefix(full, tokens: maxTokens)
            if cut.truncated {
                full = cut.text
                ending = .length
            }
        }
        return Answer(text: full, ending: ending, tokens: SimulatedTokenizer.count(full))
    }

    private func firstStop(in text: String) -> (Range<String.Index>, String)? {
        var best: (Range<String.Index>, String)?
        for sequence in stopSequences where !sequence.isEmpty {
            if let range = text.range(of: sequence), best.map({ range.lowerBound < $0.0.lowerBound }) ?? true {
                best = (range, sequence)
            }
        }
        return best
    }
}

import Foundation
