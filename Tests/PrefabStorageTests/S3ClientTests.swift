import Foundation
import PrefabLLM
import PrefabShards
import PrefabTestSupport
import Testing

@testable import PrefabStorage

/// The client against moto's S3 server with authentication on (see `MotoS3Server`).
@Suite(.enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"))
struct S3ClientTests {
    private let server = MotoS3Server.shared!

    private func client(endpoint: String? = nil, secret: String? = nil, configure: (inout S3Settings) -> Void = { _ in }) -> S3Client {
        server.client(endpoint: endpoint, secret: secret, configure: configure)
    }

    private func randomFile(_ scratch: ScratchDirectory, bytes: Int) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let path = scratch.sub("upload.bin")
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func anObjectRoundTripsWithRangedReadsListingAndDelete() async throws {
        let s3 = client()
        let bucket = MotoS3Server.bucketName("roundtrip")
        try await s3.createBucket(bucket)
        let body = Data("hello, object storage".utf8)
        let etag = try await s3.putObject(bucket: bucket, key: "dir/a b+c.txt", body: body)
        #expect(etag == Digest.hex(.md5, of: body))
        let info = try await s3.headObject(bucket: bucket, key: "dir/a b+c.txt")
        #expect(info.size == body.count && info.etag == etag)
        #expect(try await s3.getObject(bucket: bucket, key: "dir/a b+c.txt", range: 7...12) == Data("object".utf8))
        #expect(try await s3.getObject(bucket: bucket, key: "dir/a b+c.txt") == body)
        #expect(try await s3.listObjects(bucket: bucket, prefix: "dir/").map(\.key) == ["dir/a b+c.txt"])
        try await s3.deleteObject(bucket: bucket, key: "dir/a b+c.txt")
        #expect(try await s3.objectIfPresent(bucket: bucket, key: "dir/a b+c.txt") == nil)
    }

    @Test func aLargeFileGoesUpInPartsAndLeavesNoOpenUpload() async throws {
        let scratch = ScratchDirectory("s3-multipart")
        defer { scratch.remove() }
        let s3 = client { $0.multipartThreshold = 5 << 20; $0.partSize = 5 << 20; $0.partConcurrency = 2 }
        let bucket = MotoS3Server.bucketName("multipart")
        try await s3.createBucket(bucket)
        let path = try randomFile(scratch, bytes: (12 << 20) + 123)
        let location = S3Location(bucket: bucket, key: "big/upload.bin")
        let started = Locked<String?>(nil)
        let info = try await s3.uploadFile(path, to: location) { id in started.withLock { $0 = id } }
        #expect(started.withLock { $0 } != nil)
        #expect(info.etag.hasSuffix("-3"))
        #expect(try await s3.headObject(bucket: bucket, key: location.key).size == (12 << 20) + 123)
        try await s3.downloadFile(location, to: scratch.sub("back.bin"), chunkSize: 3 << 20)
        #expect(FileManager.default.contentsEqual(atPath: path, andPath: scratch.sub("back.bin")))
        #expect(try await s3.listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
    }

    @Test func anAbortedUploadIsGoneFromTheListing() async throws {
        let s3 = client()
        let bucket = MotoS3Server.bucketName("abort")
        try await s3.createBucket(bucket)
        let id = try await s3.createMultipartUpload(bucket: bucket, key: "x")
        _ = try await s3.uploadPart(bucket: bucket, key: "x", uploadID: id, number: 1, body: Data(repeating: 1, count: 1000))
        #expect(try await s3.listMultipartUploads(bucket: bucket, prefix: "") == [S3MultipartUpload(key: "x", uploadID: id)])
        try await s3.abortMultipartUpload(bucket: bucket, key: "x", uploadID: id)
        #expect(try await s3.listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
    }

    @Test func aWrongSecretIsRefusedNamingBucketAndKeyButNotTheSecret() async throws {
        let bucket = MotoS3Server.bucketName("denied")
        try await client().createBucket(bucket)
        let wrong = "wrong-secret-\(UUID().uuidString)"
        let refusedPut: S3Error? = await Self.failure { try await client(secret: wrong).putObject(bucket: bucket, key: "k", body: Data("x".utf8)) }
        guard case .accessDenied(let deniedBucket, let key, let code, _, _)? = refusedPut else {
            Issue.record("a wrong secret was not refused as access denied: \(String(describing: refusedPut))")
            return
        }
        #expect(deniedBucket == bucket && key == "k")
        #expect(code == "SignatureDoesNotMatch")
        let refusedHead: S3Error? = await Self.failure { try await client(secret: wrong).headObject(bucket: bucket, key: "k") }
        #expect(refusedHead.map { "\($0)".contains(bucket) && !"\($0)".contains(wrong) } == true)
    }

    /// The S3Error `body` fails with, or nil when it succeeds.
    private static func failure<T>(_ body: () async throws -> T) async -> S3Error? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error as? S3Error
        }
    }

    @Test func aMissingBucketSaysSo() async throws {
        await #expect(throws: S3Error.noSuchBucket("no-such-bucket-here")) {
            try await client().listObjects(bucket: "no-such-bucket-here", prefix: "")
        }
    }

    @Test func throttlingAndDroppedConnectionsAreRetried() async throws {
        let scratch = ScratchDirectory("s3-faults")
        defer { scratch.remove() }
        let bucket = MotoS3Server.bucketName("faults")
        try await client().createBucket(bucket)
        let proxy = try S3FaultProxy(upstream: server, slowdown: 4, reset: 2)
        defer { proxy.stop() }
        let s3 = client(endpoint: proxy.endpoint) { $0.multipartThreshold = 5 << 20; $0.partSize = 5 << 20 }
        let path = try randomFile(scratch, bytes: 11 << 20)
        let location = S3Location(bucket: bucket, key: "through-faults.bin")
        _ = try await s3.uploadFile(path, to: location)
        try await s3.downloadFile(location, to: scratch.sub("back.bin"))
        #expect(FileManager.default.contentsEqual(atPath: path, andPath: scratch.sub("back.bin")))
        #expect(try await s3.listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
    }

    @Test func persistentThrottlingFailsWithOneClearError() async throws {
        let bucket = MotoS3Server.bucketName("throttled")
        try await client().createBucket(bucket)
        let proxy = try S3FaultProxy(upstream: server, slowdown: 1000)
        defer { proxy.stop() }
        let s3 = client(endpoint: proxy.endpoint) { $0.maxAttempts = 3 }
        do {
            _ = try await s3.putObject(bucket: bucket, key: "k", body: Data("x".utf8))
            Issue.record("throttled forever, yet it succeeded")
        } catch {
            #expect("\(error)".contains("3 attempts failed"))
            #expect("\(error)".contains("SlowDown"))
        }
    }
}
