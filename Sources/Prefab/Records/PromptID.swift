import PrefabShards

/// How a prompt is named across every stage: the given id, else the SHA-256 of its text.
public enum PromptID {
    /// Lowercase hex SHA-256 of the prompt text (the data contract's fallback id).
    public static func derive(from promptText: String) -> String {
        Digest.sha256Hex(promptText)
    }
}
