import Foundation
import Prefab
import PrefabShards
import PrefabSimulator
import PrefabStorage
import PrefabTestSupport
import Testing

/// `prefab run` with `output: s3://…` and `prompts: {path: s3://…}` against moto's S3 server
/// (authentication on), compared with the same run written to a local directory.
@Suite(
    "prefab run to object storage",
    .enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"),
    .timeLimit(.minutes(10)))
struct RunObjectStorageTests {
    private let moto = MotoS3Server.shared!

    private func client(endpoint: String? = nil) -> S3Client {
        var settings = S3Settings(region: "us-east-1", endpoint: endpoint ?? moto.endpoint)
        settings.retryBaseDelay = 0.01
        return S3Client(settings: settings, credentials: CredentialChain(fixed: AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey, source: "test")))
    }

    /// A run directory whose prompts are in `bucket` and whose output is `s3://bucket/run`.
    private func makeRun(_ server: SimulatorServer, bucket: String, prompts: Int = 12) async throws -> (directory: String, config: String) {
        let s3 = client()
        try await s3.createBucket(bucket)
        let run = try RunFixtures.makeRun(server, prompts: prompts, window: 4, output: "s3://\(bucket)/run")
        try await s3.putObject(bucket: bucket, key: "input/prompts.jsonl", body: try Data(contentsOf: URL(fileURLWithPath: run.directory + "/prompts.jsonl")))
        let text = try String(contentsOfFile: run.config, encoding: .utf8)
            .replacingOccurrences(of: "prompts: {path: prompts.jsonl}", with: "prompts: {path: s3://\(bucket)/input/prompts.jsonl}")
        try text.write(toFile: run.config, atomically: true, encoding: .utf8)
        return run
    }

    /// What the local reference run writes: the same config and cache, `output: reference`.
    private func reference(_ server: SimulatorServer, _ run: (directory: String, config: String)) throws -> [String: Data] {
        try RunFixtures.yaml(server, window: 4, output: "reference")
            .write(toFile: run.directory + "/reference.yaml", atomically: true, encoding: .utf8)
        let result = try JudgingFixtures.run(["run", run.directory + "/reference.yaml", "--quiet", "--no-report"])
        #expect(result.status == 0, "\(result.stderr)")
        return try RunFixtures.stageFiles(run.directory + "/reference")
    }

    private func published(_ bucket: String, into directory: String) async throws -> [String: Data] {
        _ = try await S3Download.materialize(S3Location(bucket: bucket, key: "run/"), client: client(), into: directory)
        return try RunFixtures.stageFiles(directory)
    }

    @Test func aRunWritesToS3WhatTheSameRunWritesLocally() async throws {
        try await JudgingFixtures.withSimulator { server in
            let bucket = MotoS3Server.bucketName("run")
            let run = try await makeRun(server, bucket: bucket)
            let result = try JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("s3://\(bucket)/run"))
            #expect(!FileManager.default.fileExists(atPath: run.directory + "/s3:"), "an s3:// output must never become a local directory")

            let uploaded = try await published(bucket, into: run.directory + "/downloaded")
            let local = try reference(server, run)
            #expect(uploaded.keys.sorted() == local.keys.sorted())
            for (path, bytes) in local { #expect(uploaded[path] == bytes, "\(path) differs") }
            let keys = try await client().listObjects(bucket: bucket, prefix: "run/").map(\.key)
            #expect(keys.contains("run/\(S3Publisher.markerName)"))
            #expect(keys.contains("run/pairs/README.md") && keys.contains("run/\(RunPipeline.summaryName)"))
            #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
        }
    }

    @Test func aKilledUploadResumesWithoutReuploadingFinishedObjectsAndLeavesNoOpenUpload() async throws {
        try await JudgingFixtures.withSimulator { server in
            let bucket = MotoS3Server.bucketName("killed")
            let run = try await makeRun(server, bucket: bucket)
            // Through the proxy the marker and two objects go up; every later PUT is reset and
            // retried, so the first session hangs in the middle of publishing, with every file
            // sent as a multipart upload (threshold 1 byte): one is left open when it is killed.
            let proxy = try S3FaultProxy(upstream: moto, reset: 1_000_000, passing: 3)
            defer { proxy.stop() }
            var environment = moto.environment
            environment["AWS_ENDPOINT_URL"] = proxy.endpoint
            environment["PREFAB_S3_MULTIPART_THRESHOLD"] = "1"
            environment["PREFAB_S3_MAX_ATTEMPTS"] = "1000"
            environment["PREFAB_S3_RETRY_BASE_DELAY"] = "0.05"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try JudgingFixtures.prefab)
            process.arguments = ["run", run.config, "--quiet", "--no-report"]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let ledger = try RunFixtures.pipeline(run.config).setup.journalPath + ".uploads.jsonl"
            let deadline = Date().addingTimeInterval(120)
            func events(_ kind: String) -> [String] {
                let text = (try? String(contentsOfFile: ledger, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").filter { $0.contains("\"\(kind)\"") }.map(String.init)
            }
            while process.isRunning, Date() < deadline, events("started").count < 4 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(process.isRunning, "the first session should hang publishing")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let finishedBefore = events("finished")
            #expect(finishedBefore.count >= 1)
            #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "run/").count >= 1, "the killed session left an upload open")
            // One created at S3 that the ledger never recorded (a kill between the two) is found too.
            _ = try await client().createMultipartUpload(bucket: bucket, key: "run/samples/unrecorded.jsonl.zst")

            let resumed = try JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            // Objects finished before the kill were verified, not sent again.
            let finishedKeys = events("finished").compactMap { line -> String? in
                (try? JSONObject(parsing: line))?["finished"]?["_0"]?["key"]?.stringValue
            }
            #expect(Set(finishedKeys).count == finishedKeys.count, "an object finished before the kill was uploaded again")
            #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
            let uploaded = try await published(bucket, into: run.directory + "/downloaded")
            let local = try reference(server, run)
            #expect(uploaded.keys.sorted() == local.keys.sorted())
            for (path, bytes) in local { #expect(uploaded[path] == bytes, "\(path) differs") }
        }
    }

    @Test func wrongCredentialsStopTheRunBeforeAnyCallWithAClearError() async throws {
        try await JudgingFixtures.withSimulator { server in
            let bucket = MotoS3Server.bucketName("denied")
            let run = try await makeRun(server, bucket: bucket)
            // Local prompts: the only object storage the run touches is its output.
            let text = try String(contentsOfFile: run.config, encoding: .utf8)
                .replacingOccurrences(of: "prompts: {path: s3://\(bucket)/input/prompts.jsonl}", with: "prompts: {path: prompts.jsonl}")
            try text.write(toFile: run.config, atomically: true, encoding: .utf8)
            var environment = moto.environment
            let wrong = "wrong-\(UUID().uuidString)"
            environment["AWS_SECRET_ACCESS_KEY"] = wrong
            let result = try JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: environment)
            #expect(result.status != 0)
            #expect(result.stderr.contains("access denied to s3://\(bucket)/run/"), "\(result.stderr)")
            #expect(!result.stderr.contains(wrong) && !result.stdout.contains(wrong))
            #expect(server.stats().totalRequests == 0, "a model was called before the output was checked")
            #expect(try await client().listObjects(bucket: bucket, prefix: "run/").isEmpty)
        }
    }

    @Test func aPrefixHoldingSomethingElseIsRefusedUnlessForced() async throws {
        try await JudgingFixtures.withSimulator { server in
            let bucket = MotoS3Server.bucketName("occupied")
            let run = try await makeRun(server, bucket: bucket, prompts: 4)
            try await client().putObject(bucket: bucket, key: "run/someone-elses.txt", body: Data("mine".utf8))
            let refused = try JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(server.stats().totalRequests == 0)
            let forced = try JudgingFixtures.run(["run", run.config, "--quiet", "--no-report", "--force"], environment: moto.environment)
            #expect(forced.status == 0, "\(forced.stderr)")
            // The same run again is its own prefix now: no --force needed.
            let again = try JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(again.status == 0, "\(again.stderr)")
        }
    }
}
