/// What to do with a completion whose score is missing (a judge's parse failure, N/A, unrated).
/// Never treated as zero: a made-up score would create pairs the judges never supported.
public enum MissingScorePolicy: String, CaseIterable, Hashable, Sendable {
    /// Leave the completion out; pair the ones that were scored.
    case skipCompletion = "skip"
    /// Drop the prompt if any completion's score is missing.
    case dropPrompt = "drop-prompt"
}
