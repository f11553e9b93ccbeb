/// Why the response cache could not open or commit.
public enum ResponseCacheError: Error, CustomStringConvertible, Sendable {
    case open(path: String, reason: String)
    case commit(path: String, reason: String)

    public var description: String {
        switch self {
        case .open(let path, let reason): "response cache \(path): cannot open: \(reason)"
        case .commit(let path, let reason): "response cache \(path): cannot commit: \(reason)"
        }
    }
}
