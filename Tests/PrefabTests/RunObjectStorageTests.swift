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
        moto.client(endpoint: endpoint)
    }

    /// A run directory whose prompts are in `bucket` and whose output is `s3://bucket/run`.
    private func makeRun(_ server: SimulatorServer, bucket: String, prompts: Int = 12, extra: String = "") async throws -> (directory: String, config: String) {
        let s3 = client()
        try await s3.createBucket(bucket)
        let run = try RunFixtures.makeRun(server, prompts: prompts, extra: extra, window: 4, output: "s3://\(bucket)/run")
        try await s3.putObject(bucket: bucket, key: "input/prompts.jsonl", body: try Data(contentsOf: URL(fileURLWithPath: run.directory + "/prompts.jsonl")))
        let text = try String(contentsOfFile: run.config, encoding: .utf8)
            .replacingOccurrences(of: "prompts: {path: prompts.jsonl}", with: "prompts: {path: s3://\(bucket)/input/prompts.jsonl}")
        try text.write(toFile: run.config, atomically: true, encoding: .utf8)
        return run
    }

    /// What the local reference run writes: the same config and cache, `output: reference`.
    private func reference(_ server: SimulatorServer, _ run: (directory: String, config: String), extra: String = "") async throws -> [String: Data] {
        try RunFixtures.yaml(server, window: 4, output: "reference", extra: extra)
            .write(toFile: run.directory + "/reference.yaml", atomically: true, encoding: .utf8)
        let result = try await JudgingFixtures.run(["run", run.directory + "/reference.yaml", "--quiet", "--no-report"])
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
            let result = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("s3://\(bucket)/run"))
            #expect(!FileManager.default.fileExists(atPath: run.directory + "/s3:"), "an s3:// output must never become a local directory")

            let uploaded = try await published(bucket, into: run.directory + "/downloaded")
            let local = try await reference(server, run)
            #expect(uploaded.keys.sorted() == local.keys.sorted())
            for (path, bytes) in local { #expect(uploaded[path] == bytes, "\(path) differs") }
            let keys = try await client().listObjects(bucket: bucket, prefix: "run/").map(\.key)
            #expect(keys.contains("run/\(S3Publisher.markerName)"))
            #expect(keys.contains("run/pairs/README.md") && keys.contains("run/\(RunPipeline.summaryName)"))
            #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
        }
    }

    /// After a resumed run: no multipart upload open at S3 or in the journal, and the published
    /// dataset byte for byte what the same run (small shards) writes locally.
    private func expectFinishedAsLocally(
        _ server: SimulatorServer, _ run: (directory: String, config: String), bucket: String, journal: String
    ) async throws {
        #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
        #expect(RunJournal.uploads(path: journal).open.isEmpty)
        let uploaded = try await published(bucket, into: run.directory + "/downloaded")
        let local = try await reference(server, run, extra: Self.smallShards)
        #expect(uploaded.keys.sorted() == local.keys.sorted())
        for (path, bytes) in local { #expect(uploaded[path] == bytes, "\(path) differs") }
    }

    /// Small shards (4 KiB), so a 12-prompt run closes many while it samples.
    private static let smallShards = "shard_size: 4096"

    /// Shard files (by name) under `run/` in `bucket`.
    private func remoteShards(_ bucket: String) async throws -> [String] {
        try await client().listObjects(bucket: bucket, prefix: "run/").map(\.key).filter { S3Publisher.isShard($0) }
    }

    @Test func aKilledRunResumesAtTheNextShardWithoutReuploadingFinishedShardsAndLeavesNoOpenUpload() async throws {
        try await JudgingFixtures.withSimulator { server in
            let bucket = MotoS3Server.bucketName("killed")
            let run = try await makeRun(server, bucket: bucket, extra: Self.smallShards)
            // Through the proxy the marker and two shards go up while the run samples; every
            // later PUT is reset and retried, so the first session hangs with a shard upload
            // open (every file is a multipart upload: threshold 1 byte) and is killed there.
            let proxy = try S3FaultProxy(upstream: moto, reset: 1_000_000, passing: 3)
            defer { proxy.stop() }
            var environment = moto.environment
            environment["AWS_ENDPOINT_URL"] = proxy.endpoint
            environment["PREFAB_S3_MULTIPART_THRESHOLD"] = "1"
            environment["PREFAB_S3_MAX_ATTEMPTS"] = "1000"
            environment["PREFAB_S3_RETRY_BASE_DELAY"] = "0.05"
            let process = try startRun(run.config, environment: environment)
            let journal = try RunFixtures.pipeline(run.config).setup.journalPath
            let killed = await process.kill(when: {
                let uploads = RunJournal.uploads(path: journal)
                return uploads.finished.count >= 2 && !uploads.open.isEmpty
            })
            #expect(killed, "the first session should hang uploading a shard")
            let before = RunJournal.uploads(path: journal)
            #expect(before.finished.count >= 2)
            #expect(before.finished.allSatisfy { S3Publisher.isShard($0.key) }, "only shards go up while the run samples")
            #expect(try await client().listObjects(bucket: bucket, prefix: "run/").allSatisfy { !$0.key.hasSuffix("index.json") && !$0.key.hasSuffix("manifest.json") },
                    "no index file before every shard is up")
            #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "run/").count >= 1, "the killed session left an upload open")
            // One created at S3 that the journal never recorded (a kill between the two) is found too.
            _ = try await client().createMultipartUpload(bucket: bucket, key: "run/samples/unrecorded.jsonl.zst")

            // The resumed session goes through a proxy that only logs what is sent.
            let log = run.directory + "/requests.log"
            let watcher = try S3FaultProxy(upstream: moto, log: log)
            defer { watcher.stop() }
            var resumedEnvironment = moto.environment
            resumedEnvironment["AWS_ENDPOINT_URL"] = watcher.endpoint
            let resumed = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: resumedEnvironment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let requests = try S3RequestLog(path: log)
            for record in before.finished {
                #expect(!requests.sentBody(bucket: bucket, key: record.key), "\(record.key) was finished before the kill and uploaded again")
                #expect(requests.headed(bucket: bucket, key: record.key), "\(record.key) was not verified with HEAD")
            }
            try await expectFinishedAsLocally(server, run, bucket: bucket, journal: journal)
        }
    }

    /// `prefab run CONFIG --quiet --no-report` started in the background (to be killed).
    private func startRun(_ config: String, environment: [String: String]) throws -> Process {
        try startProcess(try JudgingFixtures.prefab, ["run", config, "--quiet", "--no-report"], environment: environment)
    }

    /// PUT and POST requests the proxy logging to `log` has forwarded so far.
    private static func forwardedBodies(_ log: String) -> Int {
        ((try? S3RequestLog(path: log))?.lines.count { $0.hasPrefix("PUT ") || $0.hasPrefix("POST ") }) ?? 0
    }

    /// Killed with `kill -9` again and again while its shards go up (the proxy holds every PUT
    /// and POST for 0.3 s, and each session is killed once two of its requests have gone
    /// through, so the kill lands with an upload in flight), the run still ends with exactly the
    /// local run's dataset and no multipart upload left open.
    @Test func aRunKilledSeveralTimesWhileUploadingEndsWithTheLocalRunsDataset() async throws {
        try await JudgingFixtures.withSimulator { server in
            let bucket = MotoS3Server.bucketName("killedagain")
            let run = try await makeRun(server, bucket: bucket, prompts: 16, extra: Self.smallShards)
            let log = run.directory + "/slow-requests.log"
            let proxy = try S3FaultProxy(upstream: moto, log: log, delay: 0.3)
            defer { proxy.stop() }
            var environment = moto.environment
            environment["AWS_ENDPOINT_URL"] = proxy.endpoint
            environment["PREFAB_S3_MULTIPART_THRESHOLD"] = "1"
            var kills = 0
            for _ in 0..<3 {
                let before = Self.forwardedBodies(log)
                let process = try startRun(run.config, environment: environment)
                guard await process.kill(when: { Self.forwardedBodies(log) >= before + 2 }) else { break }
                kills += 1
            }
            #expect(kills >= 2, "the run ended before it could be killed twice while uploading")

            let resumed = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            try await expectFinishedAsLocally(server, run, bucket: bucket, journal: try RunFixtures.pipeline(run.config).setup.journalPath)
        }
    }

    @Test func aStreamedRunNeverHoldsMoreThanTheScratchLimitOfShardsOnLocalDisk() async throws {
        try await JudgingFixtures.withSimulator { server in
            let bucket = MotoS3Server.bucketName("scratch")
            let run = try await makeRun(server, bucket: bucket, extra: Self.smallShards)
            let trace = run.directory + "/scratch.trace"
            var environment = moto.environment
            environment["PREFAB_SCRATCH_TRACE"] = trace
            // With the report: it reads the uploaded shards back one at a time.
            let result = try await JudgingFixtures.run(["run", run.config, "--quiet", "--scratch-limit", "7"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let held = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
            #expect(held.count >= 12, "the scratch directory is looked at after every prompt")
            #expect(held.allSatisfy { $0 <= 7 }, "the scratch directory held \(held.max() ?? 0) closed shards: \(held)")
            let remote = try await remoteShards(bucket)
            #expect(remote.count > 7, "the dataset must outgrow the limit for the test to mean anything (\(remote.count) shards)")
            // Local disk keeps the index files and the shards closed at the end, not the dataset.
            let output = try RunFixtures.pipeline(run.config).setup.outputDirectory
            let local = FileManager.default.enumerator(atPath: output)?.allObjects.compactMap { $0 as? String }.filter { S3Publisher.isShard($0) } ?? []
            #expect(local.count < remote.count)
            let keys = try await client().listObjects(bucket: bucket, prefix: "run/").map(\.key)
            #expect(keys.contains("run/report.json") && keys.contains("run/report.html"))
            let uploaded = try await published(bucket, into: run.directory + "/downloaded")
            let reference = try await reference(server, run, extra: Self.smallShards)
            #expect(uploaded.keys.sorted() == reference.keys.sorted())
            for (path, bytes) in reference { #expect(uploaded[path] == bytes, "\(path) differs") }
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
            let result = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: environment)
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
            let refused = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(server.stats().totalRequests == 0)
            let forced = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report", "--force"], environment: moto.environment)
            #expect(forced.status == 0, "\(forced.stderr)")
            // The same run again is its own prefix now: no --force needed.
            let again = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: moto.environment)
            #expect(again.status == 0, "\(again.stderr)")
        }
    }
}
