/// One question an LLM judge asks (rendered messages plus the schema for the answer), asked
/// with bounded retries until every sample's answer can be read.
struct JudgeCall<Value: Sendable>: Sendable {
    /// A parsed answer: the value, how many items of it could be read, and whether all could.
    struct Reading: Sendable {
        var value: Value
        var readCount: Int
        var complete: Bool
    }

    /// The answer kept for one sample slot.
    struct Answer: Sendable {
        var reading: Reading
        var raw: String
        /// The attempt whose answer this is (1-based).
        var attempt: Int
        /// Attempts made for this slot in all.
        var attempts: Int
    }

    var messages: [ChatMessage]
    var schema: JSONValue
    /// Distinguishes this call's seeds from the judge's other calls on the prompt.
    var key: [String]
    var parse: @Sendable (String) -> Reading
    var failAll: @Sendable (JudgeParseFailure) -> Reading
}
