/// How an LLM judge is shown the completions of a prompt.
public enum JudgeMode: String, Codable, Hashable, Sendable, CaseIterable {
    /// All completions in one call per rubric, order shuffled and mapped back (UltraFeedback).
    case multi
    /// One completion per call, absolute score, optional reference answer (Prometheus-style).
    case single
    /// Two completions per call, A/B verdicts, asked in both orders.
    case pairwise
}
