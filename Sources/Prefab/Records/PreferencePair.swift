/// A chosen and a rejected completion for one prompt. Every output format is made from these.
public struct PreferencePair: Hashable, Sendable {
    public var promptID: String
    /// The prompt conversation (without answers).
    public var prompt: [ChatMessage]
    public var chosen: ScoredCompletion
    public var rejected: ScoredCompletion
    /// Whether a person (in `prefab review`) or the judges' scores chose the sides. A person's
    /// choice keeps the judges' scores, so `margin` is negative where they overturned them.
    public var labelSource: LabelSource = .judges

    public var margin: Double { chosen.score - rejected.score }

}
