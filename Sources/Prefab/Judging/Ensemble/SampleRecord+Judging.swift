import PrefabShards

/// What judges read from the record they rate: a samples record, as the sample stage wrote it
/// (or as `prefab judge` read it from any samples shard).
extension SampleRecord {
    /// The turns before the last user turn.
    var history: [ChatMessage] {
        guard let last = messages.lastIndex(where: { $0.role == "user" }) else { return [] }
        return Array(messages[..<last])
    }

    /// The prompt's `metadata` object (`world_knowledge`, `should_refuse`, `format`); empty when
    /// it had none.
    var metadataObject: JSONObject { metadata?.objectValue ?? JSONObject() }

    /// `metadata.world_knowledge`, when given as text.
    var worldKnowledge: String? {
        if case .string(let text)? = metadataObject["world_knowledge"], !text.isEmpty { return text }
        return nil
    }
}

extension TokenUsage {
    /// The usage, or nil where the server reported none (all zero), so a rated record says
    /// "unknown" rather than "free".
    var reported: TokenUsage? { self == TokenUsage() ? nil : self }
}
