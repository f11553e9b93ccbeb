/// Tokens one pool model (sampling) or one judge (judging) used, from the records' usage fields.
package struct RunReportTokenRow: Codable, Hashable, Sendable {
    /// `sampling` or `judging`.
    package var stage: String
    /// The pool model's or the judge's name.
    package var name: String
    /// Answers (sampling) or calls (judging) behind the figures.
    package var calls: Int
    /// Judging: calls the response cache answered.
    package var cachedCalls: Int?
    package var promptTokens: Int
    package var completionTokens: Int
    /// Sampling: the calls' summed latency in seconds, and completion tokens per second of it.
    package var latencySeconds: Double?

    package var totalTokens: Int { promptTokens + completionTokens }

    package var completionTokensPerSecond: Double? {
        guard let latencySeconds, latencySeconds > 0 else { return nil }
        return Double(completionTokens) / latencySeconds
    }

    enum CodingKeys: String, CodingKey {
        case stage, name, calls
        case cachedCalls = "cached_calls"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case latencySeconds = "latency_seconds"
    }

    /// Figures derived from the stored ones: written for people reading `report.json`, never read back.
    private enum DerivedKeys: String, CodingKey {
        case completionTokensPerSecond = "completion_tokens_per_second"
    }
}

/// Decoding is the synthesized one; encoding writes absent figures as null, so every row has
/// every key, and adds the derived rate.
extension RunReportTokenRow {
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage, forKey: .stage)
        try c.encode(name, forKey: .name)
        try c.encode(calls, forKey: .calls)
        try c.encode(cachedCalls, forKey: .cachedCalls)
        try c.encode(promptTokens, forKey: .promptTokens)
        try c.encode(completionTokens, forKey: .completionTokens)
        try c.encode(latencySeconds, forKey: .latencySeconds)
        var derived = encoder.container(keyedBy: DerivedKeys.self)
        try derived.encode(completionTokensPerSecond, forKey: .completionTokensPerSecond)
    }
}
