import Foundation
import PrefabTestSupport
import Testing

@testable import Prefab

/// `prefab sample`, `prefab pairs` and `prefab judge` reading from and writing to `s3://`, against moto's S3
/// server (authentication on): the same records as the same command writing locally.
@Suite(
    .enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"),
    .timeLimit(.minutes(10)))
struct PairsObjectStorageTests {
    private let moto = MotoS3Server.shared!

    @Test func pairsReadsRatedFromS3AndWritesItsRowsToS3AsItWouldLocally() async throws {
        let root = try PairsRunTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PairsRunTests.writeRated(PairsRunTests.ratedRecords(), to: root + "/rated")
        let bucket = try moto.makeBucket("pairs")
        // The rated records put where a run would have published them, by an outside client.
        try moto.upload(directory: root + "/rated", bucket: bucket, prefix: "run/rated/")
        let options = ["--strategy", "best-vs-worst", "--format", "trl", "--test-ratio", "0.2"]
        let local = try await JudgingFixtures.run(["pairs", "--rated", root + "/rated", "--out", root + "/pairs"] + options)
        #expect(local.status == 0, "\(local.stderr)")
        let remote = try await JudgingFixtures.run(
            ["pairs", "--rated", "s3://\(bucket)/run/rated", "--out", "s3://\(bucket)/run/pairs"] + options, environment: moto.environment)
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout.contains("10 prompts -> "), "\(remote.stdout)")
        for split in ["train", "test"] {
            let fromS3 = try await JudgingFixtures.run(["cat", "s3://\(bucket)/run/pairs/\(split)"], environment: moto.environment)
            let fromDisk = try await JudgingFixtures.run(["cat", root + "/pairs/\(split)"])
            #expect(fromS3.status == 0, "\(fromS3.stderr)")
            #expect(!fromS3.stdout.isEmpty && fromS3.stdout == fromDisk.stdout)
        }
        // Another command into the same prefix is refused; nothing was left open.
        let again = try await JudgingFixtures.run(
            ["pairs", "--rated", "s3://\(bucket)/run/rated", "--out", "s3://\(bucket)/run/pairs", "--format", "kto"], environment: moto.environment)
        #expect(again.status != 0)
        #expect(again.stderr.contains("holds another dataset"), "\(again.stderr)")
        #expect(try moto.boto3("print(len(s3.list_multipart_uploads(Bucket='\(bucket)').get('Uploads', [])))").hasPrefix("0"))
    }

    @Test func judgeWritesItsRatedRecordsToS3AsItWouldLocally() async throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JudgingFixtures.writeSamples(JudgingFixtures.samples(3), to: directory + "/samples")
        let bucket = try moto.makeBucket("judge")
        try await JudgingFixtures.withSimulator { server in
            try "endpoints:\n  - {name: judge, provider: openai-compatible, base_url: \"\(server.baseURL)/v1\", model: sim-model}\n"
                .write(toFile: directory + "/endpoints.yaml", atomically: true, encoding: .utf8)
            let common = [
                "--samples", directory + "/samples", "--judges", JudgingFixtures.ensembleFile("ultrafeedback"),
                "--endpoints", directory + "/endpoints.yaml", "--cache", directory + "/cache.sqlite",
            ]
            let local = try await JudgingFixtures.run(["judge", "--out", directory + "/rated"] + common)
            #expect(local.status == 0, "\(local.stderr)")
            let remote = try await JudgingFixtures.run(["judge", "--out", "s3://\(bucket)/rated"] + common, environment: moto.environment)
            #expect(remote.status == 0, "\(remote.stderr)")
            #expect(remote.stdout.contains("rated 3 of 3 prompts"), "\(remote.stdout)")
        }
        let fromS3 = try await JudgingFixtures.run(["cat", "s3://\(bucket)/rated"], environment: moto.environment)
        let fromDisk = try await JudgingFixtures.run(["cat", directory + "/rated"])
        #expect(fromS3.status == 0, "\(fromS3.stderr)")
        #expect(!fromS3.stdout.isEmpty && fromS3.stdout == fromDisk.stdout)
    }

    @Test func sampleReadsPromptsFromS3AndWritesItsSamplesUnderTheS3Output() async throws {
        let bucket = try moto.makeBucket("sample")
        let prompts = SampleCommandTests.root.path + "/datasets/quickstart/prompts.jsonl"
        try moto.boto3("s3.upload_file('\(prompts)', '\(bucket)', 'in/prompts.jsonl')")
        try await SampleCommandTests.withWorkspace { directory, server in
            let local = SampleCommandTests.config(port: server.baseURL)
            try local.write(toFile: directory + "/local.yaml", atomically: true, encoding: .utf8)
            try local.replacingOccurrences(of: "prompts: \(prompts)", with: "prompts: s3://\(bucket)/in/prompts.jsonl")
                .replacingOccurrences(of: "output: run", with: "output: s3://\(bucket)/run")
                .write(toFile: directory + "/remote.yaml", atomically: true, encoding: .utf8)
            var environment = moto.environment
            environment["PREFAB_HOME"] = directory + "/home"
            let first = try await runProcess(try SampleCommandTests.prefab(), ["sample", "--config", "local.yaml", "--quiet"], environment: environment, currentDirectory: directory)
            #expect(first.status == 0, "\(first.stderr)")
            let remote = try await runProcess(try SampleCommandTests.prefab(), ["sample", "--config", "remote.yaml", "--quiet"], environment: environment, currentDirectory: directory)
            #expect(remote.status == 0, "\(remote.stderr)")
            #expect(remote.stdout.contains("wrote 48 prompts, 96 answers to s3://\(bucket)/run/samples"), "\(remote.stdout)")
            let fromS3 = try await runProcess(try SampleCommandTests.prefab(), ["cat", "s3://\(bucket)/run/samples"], environment: environment)
            let fromDisk = try await runProcess(try SampleCommandTests.prefab(), ["cat", directory + "/run/samples"], environment: environment)
            #expect(fromS3.status == 0, "\(fromS3.stderr)")
            #expect(fromS3.stdout.split(separator: "\n").count == 48 && fromS3.stdout == fromDisk.stdout)
        }
    }
}
