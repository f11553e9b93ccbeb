/// Why a sampling run stopped without writing its output.
public enum SampleStageError: Error, CustomStringConvertible, Sendable {
    case input(PromptInputError)
    case output(ShardError)
    /// The samples directory already holds files: Prefab never mixes two runs' output.
    case outputExists(path: String)
    case encoding(String)
    /// An endpoint refused a call in a way that fails every call (a refused key, an unknown
    /// model): no new prompt was started, and nothing was written, so no prompt is marked failed.
    case endpointStopped(EndpointStop)

    public var description: String {
        switch self {
        case .input(let error): "\(error)"
        case .output(let error): "cannot write samples: \(error)"
        case .outputExists(let path): "\(path) already exists and is not empty; choose another --out or remove it"
        case .encoding(let detail): "cannot encode a samples record: \(detail)"
        case .endpointStopped(let stop):
            "stopped: \(stop). Nothing was written; the answers already received are in the response cache (unless --no-cache), so running again after the fix does not pay for them twice"
        }
    }
}
