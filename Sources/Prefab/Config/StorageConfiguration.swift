import PrefabStorage

/// `storage:` in a run config: how objects are written to an `s3://` output, beyond what the
/// standard AWS environment says (credentials, region and endpoint stay there, so an existing
/// setup works unchanged).
///
/// ```yaml
/// storage:
///   sse: aws:kms                 # server-side encryption: AES256 (S3-managed keys) or aws:kms
///   sse_kms_key_id: alias/datasets   # optional, with aws:kms: the KMS key (id, ARN or alias); default: the account's S3 key
/// ```
///
/// Encryption is asked for on every object the run writes (each PUT and each multipart
/// upload's create), as `x-amz-server-side-encryption` headers. It does not enter the run's
/// identity: the records are the same however they are stored.
public struct StorageConfiguration: Codable, Hashable, Sendable {
    /// `AES256` or `aws:kms`, as S3 spells them.
    public var sse: String?
    public var sseKMSKeyID: String?

    public init(sse: String? = nil, sseKMSKeyID: String? = nil) {
        self.sse = sse
        self.sseKMSKeyID = sseKMSKeyID
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sse
        case sseKMSKeyID = "sse_kms_key_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        sse = try c.decodeIfPresent(String.self, forKey: .sse)
        sseKMSKeyID = try c.decodeIfPresent(String.self, forKey: .sseKMSKeyID)
        if let sse, S3Settings.Encryption(rawValue: sse) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .sse, in: c, debugDescription: "sse must be AES256 or aws:kms (as S3 spells them), got '\(sse)'")
        }
        if sseKMSKeyID != nil, sse != S3Settings.Encryption.kms.rawValue {
            throw DecodingError.dataCorruptedError(
                forKey: .sseKMSKeyID, in: c, debugDescription: "sse_kms_key_id needs sse: aws:kms")
        }
    }

    /// Applies this block's choices over the environment's settings.
    package func apply(to settings: inout S3Settings) {
        if let sse { settings.encryption = S3Settings.Encryption(rawValue: sse) }
        if let sseKMSKeyID { settings.kmsKeyID = sseKMSKeyID }
    }
}
