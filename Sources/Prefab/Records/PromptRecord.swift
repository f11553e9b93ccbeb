import PrefabShards

/// One prompt as the sampler takes it: validated, normalised to a conversation, and named.
public struct PromptRecord: Hashable, Sendable {
    /// The input's `id`, else the SHA-256 of `promptText` (see there).
    public var promptID: String
    /// The conversation to answer; its last turn is the user's.
    public var messages: [ChatMessage]
    /// The input's `source` (a mix key for principles), "" when it had none.
    public var source: String
    /// A reference answer for verifiable prompts.
    public var reference: String?
    /// The input's `metadata` object, carried through to the samples record untouched.
    public var metadata: JSONValue?

    public init(
        promptID: String? = nil, messages: [ChatMessage], source: String = "", reference: String? = nil,
        metadata: JSONValue? = nil
    ) {
        self.messages = messages
        self.source = source
        self.reference = reference
        self.metadata = metadata
        self.promptID = promptID ?? PromptID.derive(from: Self.promptText(of: messages))
    }

    /// A single-turn prompt.
    public init(
        promptID: String? = nil, prompt: String, source: String = "", reference: String? = nil,
        metadata: JSONValue? = nil
    ) {
        self.init(promptID: promptID, messages: [.user(prompt)], source: source, reference: reference, metadata: metadata)
    }

    /// The last user turn's text (UltraFeedback's `instruction`).
    public var instruction: String {
        messages.last { $0.role == "user" }?.content ?? ""
    }

    /// The text a prompt without an `id` is named by (its SHA-256, lowercase hex, is the id).
    ///
    /// - A single user turn (`{"prompt": P}` or `{"messages": [{"role": "user", "content": P}]}`):
    ///   `P` itself, so both spellings of one prompt get the same id.
    /// - Any other conversation: its canonical JSON, the list of `{"content", "role"}` objects
    ///   with keys sorted, no whitespace, non-ASCII written as UTF-8 and only `"`, `\` and
    ///   control characters escaped: what Python's
    ///   `json.dumps(messages, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` gives
    ///   for messages that have just those two keys.
    public static func promptText(of messages: [ChatMessage]) -> String {
        if messages.count == 1, messages[0].role == "user" { return messages[0].content }
        var text = "["
        for (index, message) in messages.enumerated() {
            if index > 0 { text += "," }
            text += "{\"content\":" + jsonString(message.content) + ",\"role\":" + jsonString(message.role) + "}"
        }
        return text + "]"
    }

    private static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
