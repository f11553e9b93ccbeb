import Prefab
import PrefabShards

/// What the index keeps of a record besides the record: its filter values, its uncertainty
/// and the start of its prompt.
///
/// Read from the record's parsed JSON, not from a decoded `RatedRecord`: building the index of
/// a 100,000-prompt run touches every record once, and decoding each answer, rationale and raw
/// judge output into a `RatedRecord` only to look at a few numbers cost most of the build. The
/// fields read here are the ones `RatedRecord` requires, so a record the item view could not
/// decode is refused here, at its position, as it was before.
struct ReviewItemFacts {
    var promptID: String
    var source: String
    var models: [String]
    var aspects: [String]
    /// The uncertainty reasons, then the completions' own flags (`empty`, `truncated`, …).
    var flags: [String]
    var completions: Int
    var uncertainty: ReviewUncertainty
    var preview: String

    /// A record's field that is missing or of the wrong type, in words.
    struct Invalid: Error {
        var reason: String
    }

    init(json record: JSONObject) throws(Invalid) {
        guard let instruction = record["instruction"]?.stringValue else { throw Invalid(reason: "field 'instruction': expected a string") }
        guard let completions = record["completions"]?.arrayValue else { throw Invalid(reason: "field 'completions': expected an array") }
        source = record["source"]?.stringValue ?? ""
        promptID = record["prompt_id"]?.stringValue ?? PromptID.derive(from: instruction)
        var models = Set<String>()
        var aspects = Set<String>()
        var flags = Set<String>()
        var scored: [ReviewUncertainty.Completion] = []
        for (index, value) in completions.enumerated() {
            let field = "completions[\(index)]"
            guard let completion = value.objectValue else { throw Invalid(reason: "field '\(field)': expected an object") }
            guard let model = completion["model"]?.stringValue else { throw Invalid(reason: "field '\(field).model': expected a string") }
            guard completion["response"]?.stringValue != nil else { throw Invalid(reason: "field '\(field).response': expected a string") }
            models.insert(model)
            if let annotations = completion["annotations"]?.objectValue { aspects.formUnion(annotations.keys) }
            for flag in completion["flags"]?.arrayValue ?? [] {
                if let flag = flag.stringValue { flags.insert(flag) }
            }
            var votes: [JudgeVote] = []
            for (position, vote) in (completion["votes"]?.arrayValue ?? []).enumerated() {
                let field = "\(field).votes[\(position)]"
                guard let judge = vote["judge"]?.stringValue, let aspect = vote["aspect"]?.stringValue,
                    let parse = vote["parse"]?.stringValue.flatMap(JudgeVote.ParseStatus.init(rawValue:))
                else { throw Invalid(reason: "field '\(field)': a vote needs judge, aspect and parse (ok, retried, failed, skipped)") }
                aspects.insert(aspect)
                votes.append(JudgeVote(
                    judge: judge, aspect: aspect, rating: vote["rating"]?.doubleValue, position: vote["position"]?.intValue.map(Int.init),
                    raw: "", parse: parse, notApplicable: vote["not_applicable"]?.boolValue ?? false,
                    opponent: vote["opponent"]?.intValue.map(Int.init)))
            }
            let score = completion["fine-grained_score"]?.doubleValue ?? completion["overall_score"]?.doubleValue
            scored.append(ReviewUncertainty.Completion(score: score, votes: votes))
        }
        self.models = models.sorted()
        self.aspects = aspects.sorted()
        self.completions = completions.count
        uncertainty = ReviewUncertainty(completions: scored)
        self.flags = uncertainty.reasons + flags.sorted()
        // The queue shows the start only: cut before joining the lines of a long prompt.
        let start = instruction.prefix(ReviewIndex.previewLength * 2)
        let text = start.split(whereSeparator: \.isNewline).joined(separator: " ")
        preview = text.count > ReviewIndex.previewLength || start.count < instruction.count
            ? String(text.prefix(ReviewIndex.previewLength)) + "…" : text
    }
}
