/// What is wrong with one input record.
public enum PromptProblem: Sendable, Equatable, CustomStringConvertible {
    case invalidUTF8
    /// Not JSON; `reason` is the parser's, `column` the 1-based byte column where it stopped.
    case badJSON(reason: String, column: Int)
    case notAnObject(found: String)
    /// Neither `prompt` nor `messages`.
    case missingPrompt
    /// Both `prompt` and `messages`: which one to sample is ambiguous.
    case promptAndMessages
    /// The prompt (or a user turn) is empty or whitespace.
    case emptyPrompt
    case emptyID
    case wrongType(expected: String, found: String)
    case unknownRole(String)
    /// `messages` is empty or does not end with a user turn, so there is nothing to answer.
    case noFinalUserTurn

    /// A short name for counting warnings by kind.
    public var kind: String {
        switch self {
        case .invalidUTF8: "invalid_utf8"
        case .badJSON: "bad_json"
        case .notAnObject: "not_an_object"
        case .missingPrompt: "missing_prompt"
        case .promptAndMessages: "prompt_and_messages"
        case .emptyPrompt: "empty_prompt"
        case .emptyID: "empty_id"
        case .wrongType: "wrong_type"
        case .unknownRole: "unknown_role"
        case .noFinalUserTurn: "no_final_user_turn"
        }
    }

    public var description: String {
        switch self {
        case .invalidUTF8: "the record is not valid UTF-8"
        case .badJSON(let reason, let column): "invalid JSON at column \(column): \(reason)"
        case .notAnObject(let found): "expected a JSON object per line, found \(found)"
        case .missingPrompt: "missing prompt: give \"prompt\" (a string) or \"messages\" (a list of {role, content})"
        case .promptAndMessages: "has both \"prompt\" and \"messages\"; give one of them"
        case .emptyPrompt: "empty prompt"
        case .emptyID: "empty id; leave \"id\" out to have it derived from the prompt"
        case .wrongType(let expected, let found): "expected \(expected), found \(found)"
        case .unknownRole(let role): "unknown role '\(role)'; expected system, user or assistant"
        case .noFinalUserTurn: "the conversation must end with a user turn (the one to answer)"
        }
    }
}
