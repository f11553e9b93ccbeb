/// Why a sampling run stopped without writing its output.
public enum SampleStageError: Error, CustomStringConvertible, Sendable {
    case input(PromptInputError)
    case output(ShardError)
    /// The samples directory already holds files: Prefab never mixes two runs' output.
    case outputExists(path: String)
    case encoding(String)

    public var description: String {
        switch self {
        case .input(let error): "\(error)"
        case .output(let error): "cannot write samples: \(error)"
        case .outputExists(let path): "\(path) already exists and is not empty; choose another --out or remove it"
        case .encoding(let detail): "cannot encode a samples record: \(detail)"
        }
    }
}
