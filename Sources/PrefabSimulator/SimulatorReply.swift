import PrefabShards

/// What the connection handler must do for one request.
struct SimulatorReply {
    enum Delivery: Equatable {
        /// Send the whole response.
        case complete
        /// Send the head (with the full Content-Length) and only part of the body, then close.
        case truncated
        /// Send nothing; keep the connection open until the client closes it.
        case hang
        /// Close the connection with a TCP reset.
        case reset
    }

    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var delivery: Delivery = .complete
    /// Milliseconds to wait before delivering.
    var delayMilliseconds: Double = 0
    /// The path to count the answer under, or nil for uncounted `/sim/` requests.
    var countedPath: String?

    init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], delivery: Delivery = .complete) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delivery = delivery
    }

    /// A JSON response.
    static func json(_ status: Int, _ body: [UInt8], headers: [(String, String)] = []) -> SimulatorReply {
        SimulatorReply(status: status, headers: [("content-type", "application/json")] + headers, body: body)
    }

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> SimulatorReply {
        json(status, value.serializedBytes(), headers: headers)
    }
}
