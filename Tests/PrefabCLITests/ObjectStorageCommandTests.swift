import Foundation
import PrefabShards
import PrefabTestSupport
import Testing

/// `prefab convert`, `cat` and `inspect` with `s3://` paths, against moto's S3 server
/// (authentication on), run as the built binary.
@Suite(
    .enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"),
    .timeLimit(.minutes(10)))
struct ObjectStorageCommandTests {
    private let moto = MotoS3Server.shared!

    @Test(arguments: ["mds", "jsonl.zst"])
    func convertToS3ThenCatStreamsBackTheInputRecords(format: String) async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let bucket = try moto.makeBucket("convert")
        let records = Fixtures.records(count: 300)
        try CLITests.writeJSONL(records, to: scratch.sub("in.jsonl"))
        let remote = "s3://\(bucket)/data/\(format)"
        let convert = try await runProcess(
            try CLITests.prefab, ["convert", scratch.sub("in.jsonl"), remote, "--format", format, "--shard-size", "20kb", "--hashes", "sha1,xxh64"],
            environment: moto.environment)
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stderr.contains("wrote 300 records"))
        let cat = try await runProcess(try CLITests.prefab, ["cat", remote, "--verify", "full"], environment: moto.environment)
        #expect(cat.status == 0, "\(cat.stderr)")
        #expect(try CLITests.parseLines(cat.stdout) == records)
        let page = try await runProcess(try CLITests.prefab, ["cat", remote, "--offset", "120", "--limit", "7"], environment: moto.environment)
        #expect(try CLITests.parseLines(page.stdout) == Array(records[120..<127]))
        let inspect = try await runProcess(try CLITests.prefab, ["inspect", remote], environment: moto.environment)
        #expect(inspect.stdout.contains("records:     300") && inspect.stdout.contains(remote), "\(inspect.stdout)")
        // Back from S3 into a local directory: the same records.
        let back = try await runProcess(try CLITests.prefab, ["convert", remote, scratch.sub("back"), "--format", "jsonl.zst"], environment: moto.environment)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try Shards.open(scratch.sub("back")).readAll() == records)
        // An outside client sees the index files and no upload left open.
        let listing = try moto.boto3("""
            print(len(s3.list_multipart_uploads(Bucket='\(bucket)').get('Uploads', [])))
            print(' '.join(o['Key'] for o in s3.list_objects_v2(Bucket='\(bucket)')['Contents']))
            """)
        #expect(listing.hasPrefix("0\n"))
        #expect(listing.contains("data/\(format)/manifest.json"))
    }

    @Test func wrongCredentialsFailWithOneClearLineAndNoSecret() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let bucket = try moto.makeBucket("wrongkey")
        try CLITests.writeJSONL(Fixtures.records(count: 10), to: scratch.sub("in.jsonl"))
        var environment = moto.environment
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret-8f3a"
        let convert = try await runProcess(try CLITests.prefab, ["convert", scratch.sub("in.jsonl"), "s3://\(bucket)/x", "--format", "mds"], environment: environment)
        #expect(convert.status != 0)
        #expect(convert.stderr.contains("access denied to s3://\(bucket)/x/"), "\(convert.stderr)")
        #expect(!convert.stderr.contains("not-the-secret-8f3a"))
        let cat = try await runProcess(try CLITests.prefab, ["cat", "s3://\(bucket)/x"], environment: environment)
        #expect(cat.status != 0)
        #expect(!cat.stderr.contains("not-the-secret-8f3a"))
    }

    @Test func otherURLSchemesAreRefusedNotMadeIntoDirectories() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try CLITests.writeJSONL(Fixtures.records(count: 3), to: scratch.sub("in.jsonl"))
        let convert = try await runProcess(
            try CLITests.prefab, ["convert", scratch.sub("in.jsonl"), "gs://bucket/x", "--format", "mds"], currentDirectory: scratch.path)
        #expect(convert.status != 0)
        #expect(convert.stderr.contains("gs:// locations are not supported"), "\(convert.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.sub("gs:")))
    }
}
