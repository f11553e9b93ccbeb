/// `kind: format`: JSON validity when the prompt asks for JSON, a fenced code block when it asks
/// for code; a prompt that asks for neither gets a skipped vote.
struct FormatScorer: PromptJudge {
    let name: String
    let configuration: FormatScorerConfiguration

    func judge(_ input: SampleRecord) async throws -> JudgeOutcome {
        var outcome = JudgeOutcome(completions: input.completions.count)
        let requested = FormatChecker.requestedFormat(input).flatMap { configuration.checks.contains($0) ? $0 : nil }
        for (index, completion) in input.completions.enumerated() {
            guard let requested else {
                outcome.votes[index].append(JudgeVote(
                    judge: name, aspect: configuration.aspect, rating: nil, raw: "", parse: .skipped,
                    detail: "the prompt asks for no checked format"))
                continue
            }
            let passes: Bool
            switch requested {
            case .json: passes = FormatChecker.isValidJSON(completion.response)
            case .codeBlock: passes = FormatChecker.hasCodeBlock(completion.response)
            }
            outcome.scores[index] = passes ? 1 : 0
            outcome.votes[index].append(JudgeVote(
                judge: name, aspect: configuration.aspect, rating: passes ? configuration.ratings.pass : configuration.ratings.fail,
                raw: "", parse: .ok, detail: "\(requested.rawValue): \(passes ? "pass" : "fail")"))
        }
        return outcome
    }
}
