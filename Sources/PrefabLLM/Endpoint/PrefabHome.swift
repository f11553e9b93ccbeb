import Foundation

/// Prefab's state directory: the response cache, the local model server (its venv, model, state
/// file and log) and whatever else a run keeps between invocations.
///
/// The rule lives here and nowhere else (the scripts follow it too): `$PREFAB_HOME` when it is set
/// and not empty (a relative value is taken from the current directory), else `.prefab` in the
/// current directory. The current directory, not the source checkout or the install prefix, so an
/// installed `prefab` keeps each project's cache and server beside the project, and a read-only
/// install prefix is never written to.
///
/// Layout:
///
/// | path | what |
/// |---|---|
/// | `cache.sqlite` | the response cache (`cachePath`) |
/// | `local/server.json` | the local server's state file (`localServerStatePath`, `LocalServerState`) |
/// | `local/` | its log, lock and install logs (`localDirectory`) |
/// | `venv/`, `models/` | llama-server and the model (`LocalServer` in Prefab) |
public struct PrefabHome: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable that names the home.
    public static let environmentVariable = "PREFAB_HOME"
    /// The home's name under the current directory when the variable is unset or empty.
    public static let defaultDirectoryName = ".prefab"

    /// The home, absolute and standardized (no trailing slash, no `.` or `..`).
    public let path: String

    /// A home at `path`; a relative path is taken from `currentDirectory`.
    public init(path: String, currentDirectory: String = FileManager.default.currentDirectoryPath) {
        let absolute = path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
        self.path = URL(fileURLWithPath: absolute, isDirectory: true).standardizedFileURL.path
    }

    /// `$PREFAB_HOME` if set and non-empty, else `.prefab` under `currentDirectory`.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> PrefabHome {
        let configured = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        return PrefabHome(path: configured ?? defaultDirectoryName, currentDirectory: currentDirectory)
    }

    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The response cache's default file.
    public var cachePath: String { appending("cache.sqlite") }

    /// The local model server's directory: state file, log, lock.
    public var localDirectory: String { appending("local") }

    /// The local server's state file, written by `prefab local start` (see `LocalServerState`).
    public var localServerStatePath: String { appending("local/server.json") }

    /// `relative` under the home.
    public func appending(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }

    public var description: String { path }
}
