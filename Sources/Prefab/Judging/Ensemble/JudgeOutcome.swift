/// What one judge produced for one prompt: its votes on each completion, the numbers it
/// measured (scorers), and the calls it made.
struct JudgeOutcome: Sendable {
    struct Call: Sendable {
        var usage: TokenUsage
        var cached: Bool
    }

    /// By completion index.
    var votes: [[JudgeVote]]
    /// By completion index: a scorer's measurement (length, reward-model score).
    var scores: [Int: Double] = [:]
    var calls: [Call] = []

    init(completions: Int) {
        votes = Array(repeating: [], count: completions)
    }
}
