import Foundation

/// A complete HTTP response: status, headers and body, whatever the status.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased; the last value wins when a header repeats.
    public var headers: [String: String]
    public var body: Data
    /// Seconds from the start of the transfer to its end, as libcurl measured them.
    public var totalTime: Double
    /// The HTTP version the exchange used: "1.0", "1.1", "2" or "3".
    public var httpVersion: String
    /// Connections libcurl opened for this request: 0 when it reused a kept-alive one.
    public var newConnections: Int = 0

    /// The value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
