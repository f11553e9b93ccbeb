/// `kind: length`: the response's length in characters or tokens, recorded as the judge's
/// score; with `min`/`max` also a pass/fail vote on its aspect.
struct LengthScorer: PromptJudge {
    let name: String
    let configuration: LengthScorerConfiguration

    func measure(_ completion: SampleCompletion) -> Int {
        switch configuration.unit {
        case .characters:
            completion.response.count
        case .tokens:
            completion.usage.completionTokens > 0 ? completion.usage.completionTokens : TextMeasure.estimatedTokens(completion.response)
        }
    }

    func judge(_ input: SampleRecord) async throws -> JudgeOutcome {
        var outcome = JudgeOutcome(completions: input.completions.count)
        let bounded = configuration.min != nil || configuration.max != nil
        for (index, completion) in input.completions.enumerated() {
            let length = measure(completion)
            outcome.scores[index] = Double(length)
            let detail = "\(length) \(configuration.unit.rawValue)"
            var rating: Double?
            if bounded {
                let passes = length >= (configuration.min ?? Int.min) && length <= (configuration.max ?? Int.max)
                rating = passes ? configuration.ratings.pass : configuration.ratings.fail
            }
            outcome.votes[index].append(JudgeVote(
                judge: name, aspect: configuration.aspect, rating: rating, raw: "", parse: .ok, detail: detail))
        }
        return outcome
    }
}
