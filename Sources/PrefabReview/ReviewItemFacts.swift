import Prefab

/// What the index keeps of a record besides the record: its filter values, its uncertainty
/// and the start of its prompt.
struct ReviewItemFacts {
    var source: String
    var models: [String]
    var aspects: [String]
    /// The uncertainty reasons, then the completions' own flags (`empty`, `truncated`, …).
    var flags: [String]
    var uncertainty: ReviewUncertainty
    var preview: String

    init(_ record: RatedRecord) {
        source = record.source
        models = Array(Set(record.completions.map(\.model))).sorted()
        var aspects = Set<String>()
        var flags = Set<String>()
        for completion in record.completions {
            aspects.formUnion(completion.annotations.keys)
            for vote in completion.votes { aspects.insert(vote.aspect) }
            flags.formUnion(completion.flags)
        }
        self.aspects = aspects.sorted()
        uncertainty = ReviewUncertainty(record)
        self.flags = uncertainty.reasons + flags.sorted()
        let text = record.instruction.split(whereSeparator: \.isNewline).joined(separator: " ")
        preview = text.count > ReviewIndex.previewLength ? String(text.prefix(ReviewIndex.previewLength)) + "…" : text
    }
}
