/// Something that rates the completions of one prompt: an LLM judge or a scorer.
protocol PromptJudge: Sendable {
    var name: String { get }
    func judge(_ input: SampleRecord) async throws -> JudgeOutcome
}
