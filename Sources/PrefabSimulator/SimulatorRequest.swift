/// One HTTP request as the engine sees it: decoupled from NIO so answers can be computed (and
/// unit-tested) without a socket.
struct SimulatorRequest {
    var method: String
    /// The path without its query string.
    var path: String
    /// Header names lowercased; the last value wins.
    var headers: [String: String]
    var body: [UInt8]

    init(method: String, path: String, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    func header(_ name: String) -> String? {
        headers[name]
    }
}
