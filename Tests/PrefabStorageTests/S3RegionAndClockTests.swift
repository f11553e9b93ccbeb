import Foundation
import PrefabTestSupport
import Testing

@testable import PrefabStorage

/// A bucket in another region and a clock that is off, played by `scripts/s3_fault_proxy.py`
/// in front of moto (authentication on): the proxy answers as S3 does and forwards only
/// requests signed for the right region at the right time.
@Suite(.enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"))
struct S3RegionAndClockTests {
    private let server = MotoS3Server.shared!

    private func client(endpoint: String) -> S3Client {
        server.client(endpoint: endpoint)
    }

    /// 301 PermanentRedirect names the region in `x-amz-bucket-region` (HEAD has no body);
    /// 400 AuthorizationHeaderMalformed names it in the body.
    @Test(arguments: [301, 400])
    func aBucketInAnotherRegionIsFollowedBySigningForTheRegionTheErrorNames(status: Int) async throws {
        let bucket = try server.makeBucket("region")
        let proxy = try S3FaultProxy(upstream: server, region: "eu-west-2", regionError: status)
        defer { proxy.stop() }
        let s3 = client(endpoint: proxy.endpoint)
        #expect(try await s3.objectIfPresent(bucket: bucket, key: "k") == nil)
        try await s3.putObject(bucket: bucket, key: "k", body: Data("far away".utf8))
        #expect(try await s3.getObject(bucket: bucket, key: "k") == Data("far away".utf8))
        #expect(try await s3.listObjects(bucket: bucket, prefix: "").map(\.key) == ["k"])
    }

    @Test func aClockAnHourBehindIsCorrectedFromTheServersDate() async throws {
        let bucket = try server.makeBucket("skew")
        let proxy = try S3FaultProxy(upstream: server, skew: 3600)
        defer { proxy.stop() }
        let s3 = client(endpoint: proxy.endpoint)
        try await s3.putObject(bucket: bucket, key: "k", body: Data("on time".utf8))
        #expect(try await s3.getObject(bucket: bucket, key: "k") == Data("on time".utf8))
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

    @Test func aClockThatCannotBeCorrectedFailsSayingHowFarOffItIs() async throws {
        let bucket = try server.makeBucket("skewed")
        let proxy = try S3FaultProxy(upstream: server, skew: 3600, alwaysSkewed: true)
        defer { proxy.stop() }
        let failure: S3Error? = await Self.failure {
            try await client(endpoint: proxy.endpoint).putObject(bucket: bucket, key: "k", body: Data("x".utf8))
        }
        guard case .clockSkew(let named, let offset, _)? = failure else {
            Issue.record("not refused as a clock error: \(String(describing: failure))")
            return
        }
        #expect(named == bucket)
        // About an hour; a loaded machine can add a little to the measured offset (the answer's
        // Date is taken against the clock when it is read).
        #expect(offset.map { abs($0 - 3600) <= 60 } == true, "\(String(describing: offset))")
        let message = failure.map { "\($0)" } ?? ""
        #expect(message.contains("off by 3") && message.contains("behind"), "\(message)")
    }
}
