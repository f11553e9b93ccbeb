import Foundation

/// The state file of the local llama.cpp server Prefab starts: `local/server.json` under the
/// Prefab home (`PrefabHome.localServerStatePath`).
///
/// One type for both readers: the endpoint layer resolves `provider: local` from `base_url` and
/// `model`, and `prefab local` (Prefab's `LocalServer`) and the tests read the rest. The six keys
/// are a contract with `scripts/local`, which writes the file; `started_at` and `log` may be
/// missing from a file written by hand for a server Prefab did not start.
public struct LocalServerState: Codable, Sendable, Hashable {
    public var pid: Int32
    public var port: Int
    /// The OpenAI-compatible base URL, `http://127.0.0.1:PORT/v1`.
    public var baseURL: String
    /// The model alias the server answers to (`smollm2-135m-instruct`).
    public var model: String
    /// When the server became healthy, ISO 8601 in UTC.
    public var startedAt: String?
    /// The server's log file.
    public var log: String?

    public init(pid: Int32, port: Int, baseURL: String, model: String, startedAt: String? = nil, log: String? = nil) {
        self.pid = pid
        self.port = port
        self.baseURL = baseURL
        self.model = model
        self.startedAt = startedAt
        self.log = log
    }

    enum CodingKeys: String, CodingKey {
        case pid, port
        case baseURL = "base_url"
        case model
        case startedAt = "started_at"
        case log
    }

    /// Where the state file lives for this environment (see `PrefabHome.resolve`).
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        PrefabHome.resolve(environment: environment).localServerStatePath
    }

    /// The state file at `path`, or nil when there is none. Does not check the process.
    /// - Throws: the decoding error when the file exists but does not parse.
    public static func read(path: String) throws -> LocalServerState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(LocalServerState.self, from: data)
    }

    /// Reads the state file and checks that its process is alive.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(EndpointError) -> LocalServerState {
        let path = path(environment: environment)
        let read: LocalServerState?
        do {
            read = try Self.read(path: path)
        } catch {
            throw .localServerUnavailable(path: path, reason: "unreadable state file: \(error)")
        }
        guard let state = read else {
            throw .localServerUnavailable(path: path, reason: "no state file; start the local model server first (prefab local start)")
        }
        if state.pid > 0, kill(state.pid, 0) != 0, errno == ESRCH {
            throw .localServerUnavailable(path: path, reason: "the server (pid \(state.pid)) is not running; start it again")
        }
        return state
    }
}
