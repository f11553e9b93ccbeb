import Foundation
import PrefabShards
import PrefabTestSupport
import Testing

/// `prefab convert DIR s3://…` of a dataset converted locally with the same options uploads its
/// files as they are (the conversion would write them again byte for byte); other options
/// convert it. Against moto's S3 server (authentication on), run as the built binary.
@Suite(
    .enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"),
    .timeLimit(.minutes(10)))
struct ConvertUploadTests {
    private let moto = MotoS3Server.shared!

    /// Every object under `prefix` but the marker, with the SHA-256 of its bytes.
    private func remoteDigests(bucket: String, prefix: String) throws -> [String: String] {
        let listing = try moto.boto3("""
            import hashlib
            for o in s3.list_objects_v2(Bucket='\(bucket)', Prefix='\(prefix)/')['Contents']:
                body = s3.get_object(Bucket='\(bucket)', Key=o['Key'])['Body'].read()
                print(o['Key'][len('\(prefix)/'):], hashlib.sha256(body).hexdigest())
            """)
        var digests: [String: String] = [:]
        for line in listing.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] != ".prefab-dataset.json" { digests[String(parts[0])] = String(parts[1]) }
        }
        return digests
    }

    @Test(arguments: ["mds", "jsonl.zst"])
    func aDatasetConvertedLocallyGoesUpAsItIsAndOtherOptionsConvertIt(format: String) async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let bucket = try moto.makeBucket("upload")
        let records = Fixtures.records(count: 300)
        try CLITests.writeJSONL(records, to: scratch.sub("in.jsonl"))
        let options = ["--format", format, "--shard-size", "20kb"]
        let local = try await runProcess(try CLITests.prefab, ["convert", scratch.sub("in.jsonl"), scratch.sub("local")] + options)
        #expect(local.status == 0, "\(local.stderr)")

        let same = try await runProcess(try CLITests.prefab, ["convert", scratch.sub("local"), "s3://\(bucket)/same"] + options, environment: moto.environment)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stderr.contains("wrote 300 records"), "\(same.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.sub("local"))
        #expect(files.count > 4)
        var expected: [String: String] = [:]
        for file in files {
            expected[file] = Digest.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: scratch.sub("local/" + file))))
        }
        #expect(try remoteDigests(bucket: bucket, prefix: "same") == expected)

        // Other options: a conversion, into more and smaller shards.
        let other = try await runProcess(
            try CLITests.prefab, ["convert", scratch.sub("local"), "s3://\(bucket)/other", "--format", format, "--shard-size", "8kb"],
            environment: moto.environment)
        #expect(other.status == 0, "\(other.stderr)")
        #expect(try remoteDigests(bucket: bucket, prefix: "other").count > files.count)
        let cat = try await runProcess(try CLITests.prefab, ["cat", "s3://\(bucket)/other", "--verify", "full"], environment: moto.environment)
        #expect(try CLITests.parseLines(cat.stdout) == records)
    }
}
