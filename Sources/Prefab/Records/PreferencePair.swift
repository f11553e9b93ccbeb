/// A chosen and a rejected completion for one prompt. Every output format is made from these.
public struct PreferencePair: Hashable, Sendable {
    public var promptID: String
    /// The prompt conversation (without answers).
    public var prompt: [ChatMessage]
    public var chosen: ScoredCompletion
    public var rejected: ScoredCompletion

    public var margin: Double { chosen.score - rejected.score }

    public init(promptID: String, prompt: [ChatMessage], chosen: ScoredCompletion, rejected: ScoredCompletion) {
        self.promptID = promptID
        self.prompt = prompt
        self.chosen = chosen
        self.rejected = rejected
    }
}
