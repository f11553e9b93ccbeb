/// Per-request time limits, in seconds.
public struct Timeouts: Codable, Sendable, Hashable {
    /// Establishing the connection (TCP and TLS).
    public var connect: Double
    /// The whole request, connection included. Long generations need minutes.
    public var request: Double

    public init(connect: Double = 10, request: Double = 600) {
        self.connect = connect
        self.request = request
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Timeouts()
        connect = try container.decodeIfPresent(Double.self, forKey: .connect) ?? defaults.connect
        request = try container.decodeIfPresent(Double.self, forKey: .request) ?? defaults.request
    }

    enum CodingKeys: String, CodingKey {
        case connect, request
    }
}
