import Foundation
import PrefabShards

/// AWS Signature Version 4 for requests sent with an `Authorization` header.
///
/// The project signs by itself rather than through libcurl's `CURLOPT_AWS_SIGV4` because it needs
/// the payload hash of bodies it streams from files and the region to change when S3 names a
/// different one; the algorithm is small and checked against AWS's published examples.
///
/// The canonical URI is taken as given, already percent-encoded: S3 signs the path encoded once
/// (the caller encodes each key segment), other services expect it normalised and encoded
/// twice, which for the paths Prefab sends ("/") is the same thing.
package struct SigV4Signer: Sendable {
    package var credentials: AWSCredentials
    package var region: String
    package var service: String

    package init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The SHA-256 of an empty body, which every GET, HEAD and DELETE signs.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// A request's parts as SigV4 sees them.
    package struct Request: Sendable {
        package var method: String
        /// The percent-encoded path, starting with "/".
        package var path: String
        /// Query parameters, not encoded; order does not matter.
        package var query: [(name: String, value: String)]
        /// Header names in any case; every header here is signed.
        package var headers: [String: String]
        /// Lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
        package var payloadHash: String

        package init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [String: String], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The headers to add to `request`: `Authorization`, `X-Amz-Date`, and the session token when
    /// the credentials carry one. `request.headers` must already hold `Host` (and, for S3,
    /// `x-amz-content-sha256`).
    package func sign(_ request: Request, at date: Date) -> [String: String] {
        let stamp = Self.timestamp(date)
        var headers = request.headers
        headers["x-amz-date"] = stamp
        if let token = credentials.sessionToken {
            headers["x-amz-security-token"] = token
        }
        let day = String(stamp.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let (canonical, signedHeaders) = Self.canonicalRequest(request, headers: headers)
        let stringToSign = [
            "AWS4-HMAC-SHA256", stamp, scope, Hex.encode(HMACSHA256.sha256(Array(canonical.utf8))),
        ].joined(separator: "\n")
        let signature = Hex.encode(HMACSHA256.authenticate(stringToSign, key: signingKey(day: day)))
        var added: [String: String] = ["x-amz-date": stamp]
        if let token = credentials.sessionToken { added["x-amz-security-token"] = token }
        added["Authorization"] = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return added
    }

    /// The derived key for one day, region and service.
    func signingKey(day: String) -> [UInt8] {
        let dateKey = HMACSHA256.authenticate(day, key: Array("AWS4\(credentials.secretAccessKey)".utf8))
        let regionKey = HMACSHA256.authenticate(region, key: dateKey)
        let serviceKey = HMACSHA256.authenticate(service, key: regionKey)
        return HMACSHA256.authenticate("aws4_request", key: serviceKey)
    }

    /// The canonical request text and the signed header list.
    static func canonicalRequest(_ request: Request, headers: [String: String]) -> (String, String) {
        var canonicalHeaders: [(String, String)] = []
        for (name, value) in headers {
            let trimmed = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            canonicalHeaders.append((name.lowercased(), trimmed))
        }
        canonicalHeaders.sort { $0.0 < $1.0 }
        let signed = canonicalHeaders.map(\.0).joined(separator: ";")
        var pairs: [(name: String, value: String)] = request.query.map { (uriEncode($0.name), uriEncode($0.value)) }
        pairs.sort { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        let query = pairs.map { (pair: (name: String, value: String)) -> String in pair.name + "=" + pair.value }.joined(separator: "&")
        let text = [
            request.method,
            request.path,
            query,
            canonicalHeaders.map { "\($0.0):\($0.1)\n" }.joined(),
            signed,
            request.payloadHash,
        ].joined(separator: "\n")
        return (text, signed)
    }

    /// RFC 3986 percent-encoding as SigV4 wants it: everything but unreserved characters, with
    /// "/" kept when encoding a path.
    package static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x5F, 0x2E, 0x7E:  // A-Z a-z 0-9 - _ . ~
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case 0x2F where keepSlash:  // "/"
                out.append("/")
            default:
                out.append("%")
                out.append(Self.hexDigits[Int(byte >> 4)])
                out.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    package static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
