import Foundation

/// Server-side encryption asked for on every object written, as S3 spells it in
/// `x-amz-server-side-encryption`: S3-managed keys (`AES256`) or KMS (`aws:kms`).
public enum S3ServerSideEncryption: String, Sendable, Hashable, CaseIterable {
    case aes256 = "AES256"
    case kms = "aws:kms"
}

/// How an object's URL names its bucket: in the path (`ENDPOINT/bucket/key`, what most
/// S3-compatible services need) or in the host name (`bucket.ENDPOINT/key`, AWS's default).
public enum S3AddressingStyle: String, Sendable, Hashable, CaseIterable {
    case path
    case virtual
}

/// Where and how Prefab talks to object storage: endpoint, region, addressing, TLS trust,
/// server-side encryption, and the sizes that bound memory while uploading.
///
/// Resolved from the standard AWS environment so an existing setup works unchanged, with config
/// keys (`storage:` in a run config) taking precedence.
package struct S3Settings: Sendable {
    /// Server-side encryption to ask for on every object written.
    package typealias Encryption = S3ServerSideEncryption

    package var region: String
    /// Set for S3-compatible services (MinIO, R2, moto, ...): scheme, host and port, no path.
    package var endpoint: String?
    /// Path-style (`ENDPOINT/bucket/key`) rather than virtual-hosted (`bucket.ENDPOINT/key`).
    package var pathStyle: Bool
    package var caBundle: String?
    package var encryption: Encryption?
    package var kmsKeyID: String?
    /// Objects at or above this size go up as multipart uploads.
    package var multipartThreshold: Int = 16 << 20
    /// Bytes per part: memory held per part in flight.
    package var partSize: Int = 8 << 20
    /// Request bodies (parts, small objects) in flight at once across all of a client's
    /// uploads; with `partSize` this bounds upload memory. 8 MiB × 8 as `aws s3 cp` sends
    /// (8 MiB parts, 10 requests): enough to keep S3 busy while a finished file is assembled.
    package var partConcurrency: Int = 8
    /// Attempts per request on throttling, 5xx answers and lost connections.
    package var maxAttempts: Int = 6
    /// First backoff delay in seconds; doubled each retry, with full jitter.
    package var retryBaseDelay: Double = 0.25

    package init(region: String, endpoint: String? = nil, pathStyle: Bool? = nil, caBundle: String? = nil, encryption: Encryption? = nil) {
        self.region = region
        self.endpoint = endpoint.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.pathStyle = pathStyle ?? (endpoint != nil)
        self.caBundle = caBundle
        self.encryption = encryption
    }

    /// Reads `AWS_REGION`/`AWS_DEFAULT_REGION` (then the profile's `region`),
    /// `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` (then the profile's `endpoint_url`), `AWS_CA_BUNDLE`
    /// (then `ca_bundle`), the addressing style (`PREFAB_S3_ADDRESSING_STYLE`, then the profile's
    /// `s3 = addressing_style`; a config key or flag applied afterwards wins over both), and
    /// Prefab's own `PREFAB_S3_*` sizes (tests and benchmarks use them).
    package static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(S3Error) -> S3Settings {
        let profile = (try? AWSConfigFiles(environment: environment))?.profile ?? [:]
        func value(_ names: String...) -> String? {
            for name in names {
                if let value = environment[name], !value.isEmpty { return value }
            }
            return nil
        }
        let region = value("AWS_REGION", "AWS_DEFAULT_REGION") ?? profile["region"] ?? "us-east-1"
        let endpoint = value("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL") ?? profile["endpoint_url"]
        if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
            throw .invalidCredentialsSource("AWS_ENDPOINT_URL '\(endpoint)' must start with http:// or https://")
        }
        var settings = S3Settings(region: region, endpoint: endpoint, caBundle: value("AWS_CA_BUNDLE") ?? profile["ca_bundle"])
        // The environment over the profile, as for every other setting. `auto` (the AWS CLI's
        // default) keeps the choice made from the endpoint.
        for (source, addressing) in [("PREFAB_S3_ADDRESSING_STYLE", value("PREFAB_S3_ADDRESSING_STYLE")), ("the profile's s3 addressing_style", profile["s3_addressing_style"])] {
            guard let addressing else { continue }
            if addressing == "auto" { break }
            guard let style = S3AddressingStyle(rawValue: addressing) else {
                throw .invalidCredentialsSource("\(source) is '\(addressing)': use path, virtual or auto")
            }
            settings.addressingStyle = style
            break
        }
        if let text = value("PREFAB_S3_PART_SIZE"), let size = Int(text), size >= 5 << 20 { settings.partSize = size }
        if let text = value("PREFAB_S3_PART_CONCURRENCY"), let count = Int(text), count >= 1 { settings.partConcurrency = count }
        if let text = value("PREFAB_S3_MULTIPART_THRESHOLD"), let size = Int(text), size > 0 { settings.multipartThreshold = size }
        if let text = value("PREFAB_S3_RETRY_BASE_DELAY"), let delay = Double(text), delay >= 0 { settings.retryBaseDelay = delay }
        if let text = value("PREFAB_S3_MAX_ATTEMPTS"), let attempts = Int(text), attempts >= 1 { settings.maxAttempts = attempts }
        return settings
    }

    /// The addressing style in use; setting it overrides the choice made from the endpoint.
    package var addressingStyle: S3AddressingStyle {
        get { pathStyle ? .path : .virtual }
        set { pathStyle = newValue == .path }
    }

    /// The URL parts for an object (or, with an empty key, the bucket).
    func address(bucket: String, key: String, region: String) -> (url: String, host: String, path: String) {
        let encodedKey = SigV4Signer.uriEncode(key, keepSlash: true)
        if let endpoint {
            let host = Self.hostPart(of: endpoint)
            if pathStyle {
                let path = "/\(bucket)" + (key.isEmpty ? "" : "/\(encodedKey)")
                return (endpoint + path, host, path)
            }
            let scheme = endpoint.hasPrefix("https://") ? "https://" : "http://"
            let virtualHost = "\(bucket).\(host)"
            return (scheme + virtualHost + "/" + encodedKey, virtualHost, "/" + encodedKey)
        }
        let regional = "s3.\(region).amazonaws.com"
        // Bucket names with dots break TLS wildcard certificates on virtual hosts.
        if pathStyle || bucket.contains(".") {
            let path = "/\(bucket)" + (key.isEmpty ? "" : "/\(encodedKey)")
            return ("https://\(regional)\(path)", regional, path)
        }
        return ("https://\(bucket).\(regional)/\(encodedKey)", "\(bucket).\(regional)", "/" + encodedKey)
    }

    /// `host[:port]` of an endpoint URL.
    static func hostPart(of endpoint: String) -> String {
        var rest = Substring(endpoint)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        return String(rest.prefix { $0 != "/" })
    }
}
