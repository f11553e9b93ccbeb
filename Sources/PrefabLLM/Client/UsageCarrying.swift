/// Responses that say how many tokens they used.
protocol UsageCarrying: Sendable {
    var tokenUsage: TokenUsage { get }
}

extension ChatResponse: UsageCarrying {
    var tokenUsage: TokenUsage { usage }
}

extension EmbeddingResponse: UsageCarrying {
    var tokenUsage: TokenUsage { usage }
}
