/// What went wrong talking to object storage, in words a person can act on.
///
/// Messages name the bucket and key and what to check; they never carry a secret key, a session
/// token or a signature (S3's own error text is passed through only from its `Code` and
/// `Message` fields, which hold neither).
package enum S3Error: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidLocation(String, reason: String)
    case noCredentials(tried: [String])
    case invalidCredentialsSource(String)
    /// 403: the key pair is wrong, lacks permission, or the signature did not match.
    case accessDenied(bucket: String, key: String, code: String, message: String, keyID: String)
    case noSuchBucket(String)
    case noSuchKey(bucket: String, key: String)
    /// RequestTimeTooSkewed even after correcting from the server's `Date`; `offset` is how far
    /// the server's clock is ahead of this machine's (negative: behind), when it said.
    case clockSkew(bucket: String, offset: Int?, detail: String)
    /// Any other HTTP error S3 answered, after retries where retrying made sense.
    case service(bucket: String, key: String, status: Int, code: String, message: String)
    /// No answer after every retry (connection refused, resets, timeouts).
    case transport(bucket: String, key: String, detail: String)
    case badResponse(bucket: String, key: String, detail: String)
    case localFile(path: String, detail: String)
    case notEmpty(location: String, detail: String)

    package var description: String {
        switch self {
        case .invalidLocation(let text, let reason):
            "'\(text)' is not an object storage location: it \(reason)"
        case .noCredentials(let tried):
            "no AWS credentials found (looked at: \(tried.joined(separator: ", "))); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with ~/.aws/credentials"
        case .invalidCredentialsSource(let detail):
            "AWS credentials could not be read: \(detail)"
        case .accessDenied(let bucket, let key, let code, let message, let keyID):
            "access denied to s3://\(bucket)/\(key) (\(code): \(message)) with access key \(keyID): check the key pair, its permissions, and AWS_REGION/AWS_ENDPOINT_URL"
        case .noSuchBucket(let bucket):
            "bucket '\(bucket)' does not exist (or is at another endpoint): create it, or check the name and AWS_ENDPOINT_URL"
        case .noSuchKey(let bucket, let key):
            "s3://\(bucket)/\(key) does not exist"
        case .clockSkew(let bucket, let offset, let detail):
            "requests to bucket '\(bucket)' are refused because this machine's clock is wrong"
                + (offset.map { " (off by \(abs($0)) seconds: \($0 > 0 ? "behind" : "ahead of") the server's clock)" } ?? "")
                + " (\(detail)): synchronise the clock (NTP) and run again"
        case .service(let bucket, let key, let status, let code, let message):
            "s3://\(bucket)/\(key): HTTP \(status) \(code)\(message.isEmpty ? "" : ": \(message)")"
        case .transport(let bucket, let key, let detail):
            "s3://\(bucket)/\(key): no answer from object storage after retries: \(detail)"
        case .badResponse(let bucket, let key, let detail):
            "s3://\(bucket)/\(key): unexpected answer from object storage: \(detail)"
        case .localFile(let path, let detail):
            "\(path): \(detail)"
        case .notEmpty(let location, let detail):
            "\(location) \(detail)"
        }
    }
}
