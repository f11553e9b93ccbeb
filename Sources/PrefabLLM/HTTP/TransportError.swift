import CCurl

/// A transfer that ended without a complete HTTP response.
///
/// Messages come from libcurl and name the host and what went wrong; they never carry request
/// headers or bodies.
public struct TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// DNS, refused or unreachable connection, connect timeout.
        case connect
        /// The request ran past its total timeout.
        case timeout
        /// The connection dropped mid-exchange: reset, empty reply, truncated body.
        case connectionLost
        /// A TLS handshake or certificate failure.
        case tls
        /// The URL or an option is unusable (not worth retrying).
        case invalidRequest
        /// The engine was shut down before the transfer finished.
        case shutdown
        case other
    }

    public var kind: Kind
    /// libcurl's CURLcode, 0 when the error did not come from libcurl.
    public var code: Int
    public var message: String

    public init(kind: Kind, code: Int, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// Whether trying the same request again can succeed.
    public var isTransient: Bool {
        switch kind {
        case .connect, .timeout, .connectionLost: true
        case .tls, .invalidRequest, .shutdown, .other: false
        }
    }

    public var description: String {
        "\(kind.rawValue) error (curl \(code)): \(message)"
    }

    static func classify(_ code: CURLcode, detail: String) -> TransportError {
        let kind: Kind
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            kind = .connect
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
            kind = .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
            kind = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_UNKNOWN_OPTION:
            kind = .invalidRequest
        default:
            kind = .other
        }
        let summary = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
        return TransportError(kind: kind, code: Int(code.rawValue), message: message)
    }
}
