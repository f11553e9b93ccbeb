import PrefabShards

/// Why prompt hygiene stopped. Each case names the file and, for a bad record, its line and field.
public enum HygieneError: Error, Sendable, CustomStringConvertible {
    /// The prompts themselves: unreadable, or an invalid record.
    case input(PromptInputError)
    /// An evaluation file that cannot be read.
    case evalUnreadable(file: String, ShardError)
    /// An evaluation record without usable text in the chosen field.
    case evalRecord(file: String, position: String, field: String, problem: String)
    /// More prompts or evaluation items than the 32-bit ordinals of the index hold.
    case tooMany(String)
    /// The output directory exists and is not empty.
    case outputExists(String)
    case output(ShardError)
    case settings(String)

    public var description: String {
        switch self {
        case .input(let error): "\(error)"
        case .evalUnreadable(let file, let error): "cannot read evaluation set \(file): \(error)"
        case .evalRecord(let file, let position, let field, let problem):
            "\(file):\(position): \(field): \(problem) (choose the text's field per file: `{path: \(file), field: NAME}` in the config, or `--decontaminate \(file):NAME`)"
        case .tooMany(let what): "\(what): more than 4,294,967,295; split the input"
        case .outputExists(let path): "\(path) exists and is not empty; choose another --out or remove it"
        case .output(let error): "cannot write the output: \(error)"
        case .settings(let message): message
        }
    }
}
