import Foundation

/// The state file of the local llama.cpp server Prefab starts: `$PREFAB_HOME/local/server.json`,
/// with `PREFAB_HOME` defaulting to `.prefab` in the current directory.
public struct LocalServerState: Codable, Sendable, Hashable {
    public var pid: Int32
    public var port: Int
    /// The OpenAI-compatible base URL, e.g. `http://127.0.0.1:8081/v1`.
    public var baseURL: String
    /// The model alias the server answers to.
    public var model: String

    public init(pid: Int32, port: Int, baseURL: String, model: String) {
        self.pid = pid
        self.port = port
        self.baseURL = baseURL
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case pid, port
        case baseURL = "base_url"
        case model
    }

    /// Where the state file lives for this environment.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["PREFAB_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".prefab"
        let base = home.hasPrefix("/") ? home : FileManager.default.currentDirectoryPath + "/" + home
        return base + "/local/server.json"
    }

    /// Reads the state file and checks that its process is alive.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(EndpointError) -> LocalServerState {
        let path = path(environment: environment)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .localServerUnavailable(path: path, reason: "no state file; start the local model server first (scripts/local-server)")
        }
        let state: LocalServerState
        do {
            state = try JSONDecoder().decode(LocalServerState.self, from: data)
        } catch {
            throw .localServerUnavailable(path: path, reason: "unreadable state file: \(error)")
        }
        if state.pid > 0, kill(state.pid, 0) != 0, errno == ESRCH {
            throw .localServerUnavailable(path: path, reason: "the server (pid \(state.pid)) is not running; start it again")
        }
        return state
    }
}
