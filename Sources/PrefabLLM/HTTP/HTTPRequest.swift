import Foundation

/// One HTTP request for the `HTTPEngine`.
///
/// Header values may carry credentials; the engine never logs them and never copies them into
/// errors.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", delete = "DELETE", head = "HEAD"
    }

    public var method: Method
    public var url: String
    public var headers: [String: String]
    public var body: Data?
    /// Seconds allowed to establish the connection (TCP and TLS).
    public var connectTimeout: Double
    /// Seconds allowed for the whole transfer, connection included.
    public var timeout: Double
    /// A CA bundle to verify the server with, instead of the process-wide setting (object
    /// storage honours `AWS_CA_BUNDLE` for its own requests only).
    public var caBundle: String? = nil
    /// Where a 2xx response's body is written (created or truncated) as it arrives, instead of
    /// being held in memory: for downloads of any size (a batch's results). `HTTPResponse.body`
    /// is then empty; other statuses keep their (small) body in memory for the error message.
    public var bodyFile: String? = nil

    public init(
        method: Method = .get,
        url: String,
        headers: [String: String] = [:],
        body: Data? = nil,
        connectTimeout: Double = 10,
        timeout: Double = 600
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }
}
