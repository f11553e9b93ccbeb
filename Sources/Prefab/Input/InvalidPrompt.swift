/// One input record that failed validation, located by file, line (or MDS sample) and field.
public struct InvalidPrompt: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var position: RecordPosition
    /// The offending field, e.g. `prompt` or `messages[2].role`; nil for the record as a whole.
    public var field: String?
    public var problem: PromptProblem

    public init(file: String, position: RecordPosition, field: String?, problem: PromptProblem) {
        self.file = file
        self.position = position
        self.field = field
        self.problem = problem
    }

    /// The 1-based line for JSON Lines input, nil for MDS samples.
    public var line: Int? {
        switch position {
        case .line(let line), .frameLine(_, let line): line
        case .sample, .record: nil
        }
    }

    public var description: String {
        let location: String
        switch position {
        case .line(let line): location = "\(file):\(line)"
        default: location = "\(file) \(position)"
        }
        if let field { return "\(location): \(field): \(problem)" }
        return "\(location): \(problem)"
    }
}
