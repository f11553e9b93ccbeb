/// `kind: reference`: checks each response against the prompt's reference answer; prompts
/// without one get skipped votes (never a pass or a fail).
struct ReferenceScorer: PromptJudge {
    let name: String
    let configuration: ReferenceScorerConfiguration

    func judge(_ input: SampleRecord) async throws -> JudgeOutcome {
        var outcome = JudgeOutcome(completions: input.completions.count)
        let matcher = ReferenceMatcher(configuration)
        for (index, completion) in input.completions.enumerated() {
            guard let reference = input.reference, !reference.trimmingCharacters(in: .whitespaces).isEmpty else {
                outcome.votes[index].append(JudgeVote(
                    judge: name, aspect: configuration.aspect, rating: nil, raw: "", parse: .skipped, detail: "the prompt has no reference"))
                continue
            }
            let (passed, detail) = matcher.check(response: completion.response, reference: reference)
            outcome.scores[index] = passed ? 1 : 0
            outcome.votes[index].append(JudgeVote(
                judge: name, aspect: configuration.aspect, rating: passed ? configuration.ratings.pass : configuration.ratings.fail,
                raw: "", parse: .ok, detail: detail))
        }
        return outcome
    }
}
