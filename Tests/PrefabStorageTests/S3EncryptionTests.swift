import Foundation
import PrefabTestSupport
import Testing

@testable import PrefabStorage

/// Server-side encryption asked for on every write (single PUTs and multipart uploads), as moto
/// reports it back on HEAD, to Prefab and to boto3.
@Suite(.enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"))
struct S3EncryptionTests {
    private let server = MotoS3Server.shared!

    private func client(_ encryption: S3Settings.Encryption, kmsKeyID: String? = nil) -> S3Client {
        server.client {
            $0.encryption = encryption
            $0.kmsKeyID = kmsKeyID
            $0.multipartThreshold = 5 << 20
            $0.partSize = 5 << 20
        }
    }

    @Test(arguments: [S3Settings.Encryption.aes256, .kms])
    func everyObjectWrittenIsEncryptedAsAskedAndHeadSaysSo(encryption: S3Settings.Encryption) async throws {
        let scratch = ScratchDirectory("s3-sse")
        defer { scratch.remove() }
        let bucket = try server.makeBucket("sse")
        let kmsKey = encryption == .kms ? "alias/prefab-datasets" : nil
        let s3 = client(encryption, kmsKeyID: kmsKey)
        try await s3.putObject(bucket: bucket, key: "small.json", body: Data("{}".utf8))
        let path = scratch.sub("large.bin")
        try Data(repeating: 7, count: (6 << 20) + 5).write(to: URL(fileURLWithPath: path))
        let large = try await s3.uploadFile(path, to: S3Location(bucket: bucket, key: "large.bin"))
        #expect(large.etag.hasSuffix("-2"))
        for key in ["small.json", "large.bin"] {
            #expect(try await s3.headObject(bucket: bucket, key: key).serverSideEncryption == encryption.rawValue)
        }
        // What an outside client sees.
        let seen = try server.boto3("""
            for key in ['small.json', 'large.bin']:
                head = s3.head_object(Bucket='\(bucket)', Key=key)
                print(head.get('ServerSideEncryption'), head.get('SSEKMSKeyId'))
            """)
        let lines = seen.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix(encryption.rawValue + " ") })
        if let kmsKey {
            #expect(lines.allSatisfy { $0.hasSuffix(kmsKey) })
        }
    }

    @Test func objectsWrittenWithoutEncryptionSayNone() async throws {
        let bucket = try server.makeBucket("nosse")
        var settings = S3Settings(region: "us-east-1", endpoint: server.endpoint)
        settings.retryBaseDelay = 0.01
        let credentials = AWSCredentials(accessKeyID: server.accessKeyID, secretAccessKey: server.secretAccessKey, source: "test")
        let s3 = S3Client(settings: settings, credentials: CredentialChain(fixed: credentials))
        try await s3.putObject(bucket: bucket, key: "plain", body: Data("x".utf8))
        let reported = try await s3.headObject(bucket: bucket, key: "plain").serverSideEncryption
        // moto, like S3 since 2023, may report its default AES256; never KMS unasked.
        #expect(reported == nil || reported == "AES256")
    }
}
