/// Everything that decides which rows a rated record gives.
public struct PairingOptions: Hashable, Sendable {
    public var strategy: PairingStrategy
    public var score: ScoreSource
    /// A pair needs `chosen − rejected > minMargin`. The default 0 keeps ties out.
    public var minMargin: Double
    public var missingScores: MissingScorePolicy
    /// Best-of-n only: the best completion must score at least this much, when set.
    public var minScore: Double?
    /// The run seed; with the prompt id it decides every random choice.
    public var seed: UInt64

    public init(
        strategy: PairingStrategy = .bestVsRandom, score: ScoreSource = .fineGrained, minMargin: Double = 0,
        missingScores: MissingScorePolicy = .skipCompletion, minScore: Double? = nil, seed: UInt64 = 0
    ) {
        self.strategy = strategy
        self.score = score
        self.minMargin = minMargin
        self.missingScores = missingScores
        self.minScore = minScore
        self.seed = seed
    }
}
