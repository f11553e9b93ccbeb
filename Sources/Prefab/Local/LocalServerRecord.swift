import Foundation

/// What `$PREFAB_HOME/local/server.json` says about the local server `scripts/local start` launched.
///
/// The file's six fields are a contract: the endpoint layer resolves `provider: local` from
/// `base_url` and `model` (through `LocalServerState`), and the CLI and tests read the rest.
public struct LocalServerRecord: Codable, Sendable, Hashable {
    public var pid: Int32
    public var port: Int
    /// The OpenAI-compatible base URL, `http://127.0.0.1:PORT/v1`.
    public var baseURL: String
    /// The alias the server answers to (`smollm2-135m-instruct`).
    public var model: String
    /// When the server became healthy, ISO 8601 in UTC.
    public var startedAt: String
    /// The server's log file.
    public var log: String

    public init(pid: Int32, port: Int, baseURL: String, model: String, startedAt: String, log: String) {
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

    /// The part of the record an `EndpointClient` for `provider: local` uses.
    public var endpointState: LocalServerState {
        LocalServerState(pid: pid, port: port, baseURL: baseURL, model: model)
    }
}
