/// Why generation stopped, in OpenAI's vocabulary (Anthropic's `stop_reason` is mapped onto it).
public struct FinishReason: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A natural end or a stop sequence.
    public static let stop = FinishReason(rawValue: "stop")
    /// `max_tokens` reached: the answer is cut off.
    public static let length = FinishReason(rawValue: "length")
    public static let contentFilter = FinishReason(rawValue: "content_filter")
    public static let toolCalls = FinishReason(rawValue: "tool_calls")

    /// Anthropic's `stop_reason` in OpenAI's terms.
    static func fromAnthropic(_ reason: String) -> FinishReason {
        switch reason {
        case "end_turn", "stop_sequence": .stop
        case "max_tokens": .length
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        default: FinishReason(rawValue: reason)
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
