/// Why prompt input stopped: a file that cannot be read, or (without `--skip-invalid`) the first
/// invalid record.
public enum PromptInputError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(ShardError)
    case invalid(InvalidPrompt)

    public var description: String {
        switch self {
        case .unreadable(let error): "cannot read prompts: \(error)"
        case .invalid(let invalid): "\(invalid) (use --skip-invalid to skip such records with a warning)"
        }
    }
}
