import PrefabStorage

/// `storage:` in a run config (or a `prefab sample` config), and the same choices as command
/// flags (`--sse`, `--sse-kms-key-id`, `--s3-addressing-style`): how objects are read from and
/// written to `s3://`, beyond what the standard AWS environment says (credentials, region and
/// endpoint stay there, so an existing setup works unchanged).
///
/// ```yaml
/// storage:
///   sse: aws:kms                 # server-side encryption: AES256 (S3-managed keys) or aws:kms
///   sse_kms_key_id: alias/datasets   # optional, with aws:kms: the KMS key (id, ARN or alias); default: the account's S3 key
///   addressing_style: virtual    # path (ENDPOINT/bucket/key) or virtual (bucket.ENDPOINT/key)
/// ```
///
/// Encryption is asked for on every object written (each PUT and each multipart upload's
/// create), as `x-amz-server-side-encryption` headers. The addressing style wins over
/// `PREFAB_S3_ADDRESSING_STYLE` and the AWS profile's `s3 = addressing_style`, which win over
/// the default (path-style with an endpoint URL, virtual-hosted on AWS). Neither enters the
/// run's identity: the records are the same however they are stored.
public struct StorageConfiguration: Codable, Hashable, Sendable {
    public var sse: S3ServerSideEncryption?
    public var sseKMSKeyID: String?
    public var addressingStyle: S3AddressingStyle?

    public init(sse: S3ServerSideEncryption? = nil, sseKMSKeyID: String? = nil, addressingStyle: S3AddressingStyle? = nil) {
        self.sse = sse
        self.sseKMSKeyID = sseKMSKeyID
        self.addressingStyle = addressingStyle
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sse
        case sseKMSKeyID = "sse_kms_key_id"
        case addressingStyle = "addressing_style"
    }

    /// Why a choice is refused, worded for a config key; `flag` rewords it for a command line.
    package enum Problem: Error, Equatable {
        case sse(String)
        case kmsKeyWithoutKMS
        case addressingStyle(String)

        var key: CodingKeys {
            switch self {
            case .sse: .sse
            case .kmsKeyWithoutKMS: .sseKMSKeyID
            case .addressingStyle: .addressingStyle
            }
        }

        /// The message, naming the config keys, or with `flags` the command's options.
        package func message(flags: Bool = false) -> String {
            let sse = flags ? "--sse" : "sse"
            switch self {
            case .sse(let value):
                return "\(sse) must be AES256 or aws:kms (as S3 spells them), got '\(value)'"
            case .kmsKeyWithoutKMS:
                return flags ? "--sse-kms-key-id needs --sse aws:kms" : "sse_kms_key_id needs sse: aws:kms"
            case .addressingStyle(let value):
                return "\(flags ? "--s3-addressing-style" : "addressing_style") must be path or virtual, got '\(value)'"
            }
        }
    }

    /// The choices as written (a config's strings or a command's flags), checked.
    package static func parse(sse: String?, sseKMSKeyID: String?, addressingStyle: String?) -> Result<StorageConfiguration, Problem> {
        var configuration = StorageConfiguration(sseKMSKeyID: sseKMSKeyID)
        if let sse {
            guard let value = S3ServerSideEncryption(rawValue: sse) else { return .failure(.sse(sse)) }
            configuration.sse = value
        }
        if sseKMSKeyID != nil, configuration.sse != .kms { return .failure(.kmsKeyWithoutKMS) }
        if let addressingStyle {
            guard let value = S3AddressingStyle(rawValue: addressingStyle) else { return .failure(.addressingStyle(addressingStyle)) }
            configuration.addressingStyle = value
        }
        return .success(configuration)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let parsed = Self.parse(
            sse: try c.decodeIfPresent(String.self, forKey: .sse),
            sseKMSKeyID: try c.decodeIfPresent(String.self, forKey: .sseKMSKeyID),
            addressingStyle: try c.decodeIfPresent(String.self, forKey: .addressingStyle))
        switch parsed {
        case .success(let configuration): self = configuration
        case .failure(let problem): throw DecodingError.dataCorruptedError(forKey: problem.key, in: c, debugDescription: problem.message())
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(sse?.rawValue, forKey: .sse)
        try c.encodeIfPresent(sseKMSKeyID, forKey: .sseKMSKeyID)
        try c.encodeIfPresent(addressingStyle?.rawValue, forKey: .addressingStyle)
    }

    /// `other`'s choices where it makes them, this one's elsewhere (command flags over a config's block).
    package func overridden(by other: StorageConfiguration) -> StorageConfiguration {
        var merged = self
        if let sse = other.sse {
            merged.sse = sse
            merged.sseKMSKeyID = other.sseKMSKeyID
        }
        if let style = other.addressingStyle { merged.addressingStyle = style }
        return merged
    }

    /// Applies this block's choices over the environment's settings.
    package func apply(to settings: inout S3Settings) {
        if let sse { settings.encryption = sse }
        if let sseKMSKeyID { settings.kmsKeyID = sseKMSKeyID }
        if let addressingStyle { settings.addressingStyle = addressingStyle }
    }
}

extension Optional where Wrapped == StorageConfiguration {
    /// A client from the standard AWS environment with these choices (if any) applied over it:
    /// the one way every reader and writer of `s3://` gets its client.
    package func client(environment: [String: String]) throws(S3Error) -> S3Client {
        try S3Client.fromEnvironment(environment) { self?.apply(to: &$0) }
    }
}
