import Foundation
import PrefabShards
import PrefabSimulator
import PrefabStorage
import PrefabTestSupport
import Testing

@testable import Prefab

/// Where a partition's files go in an `s3://` output, and which files the merge reads there.
@Suite("partition layout in object storage")
struct PartitionKeyLayoutTests {
    @Test func aPartitionsShardsGoToTheirPartSubdirectoryAndItTouchesOnlyItsOwnKeys() throws {
        let two = try RunPartition(index: 2, count: 4)
        #expect(RunPartitionLayout.placedPath(ofShard: "samples/samples-00003.jsonl.zst", partition: two) == "samples/part-00002-of-00004/samples-00003.jsonl.zst")
        #expect(RunPartitionLayout.placedPath(ofShard: "pairs/train/mds/shard.00000.mds.zstd", partition: two) == "pairs/train/mds/part-00002-of-00004/shard.00000.mds.zstd")
        #expect(RunPartitionLayout.owns("samples/mds/part-00002-of-00004/shard.00000.mds", partition: two))
        #expect(RunPartitionLayout.owns("parts/00002-of-00004/partition.json", partition: two))
        #expect(RunPartitionLayout.owns("parts/00002-of-00004/rated/judge-report.json", partition: two))
        #expect(!RunPartitionLayout.owns("samples/part-00001-of-00004/samples-00000.jsonl.zst", partition: two))
        #expect(!RunPartitionLayout.owns("parts/00001-of-00004/partition.json", partition: two))
        #expect(!RunPartitionLayout.owns("samples/manifest.json", partition: two), "the root indexes are the merge's")
        #expect(!RunPartitionLayout.owns(".prefab-dataset.json", partition: two))
    }

    @Test func theMergeReadsTheRunFilesAndThePartsIndexesNeverAShard() {
        let keys = [
            ".prefab-dataset.json", "samples/manifest.json", "samples/part-00000-of-00002/manifest.json",
            "samples/part-00000-of-00002/samples-00000.jsonl.zst", "samples/mds/part-00001-of-00002/index.json",
            "samples/mds/part-00001-of-00002/shard.00000.mds.zstd", "pairs/train/part-00001-of-00002/pairs-00000.jsonl.zst",
            "parts/00000-of-00002/partition.json", "parts/00000-of-00002/rated/judge-report.json", "report.json",
        ]
        let inputs = RemoteRunMerge.mergeInputs(keys)
        #expect(inputs.files == [
            "parts/00000-of-00002/partition.json", "parts/00000-of-00002/rated/judge-report.json",
            "samples/mds/part-00001-of-00002/index.json", "samples/part-00000-of-00002/manifest.json",
        ])
        // A part holding shards but no index is there, so the merge can say it is incomplete.
        #expect(inputs.directories.contains("pairs/train/part-00001-of-00002"))
        #expect(RunPartitionLayout.isPartFile("parts/00000-of-00002/run-summary.json"))
        #expect(RunPartitionLayout.isPartFile("samples/mds/part-00001-of-00002/index.json"))
        #expect(!RunPartitionLayout.isPartFile("samples/mds/index.json"))
        #expect(!RunPartitionLayout.isPartFile("pairs/README.md"))
    }
}

/// `prefab run --partition I/N` into `s3://` and `prefab merge s3://…`, against moto's S3
/// server (authentication on) and the simulator, compared with the same partitions written
/// and merged locally.
@Suite(
    "partitioned runs and merge in object storage",
    .enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"),
    .timeLimit(.minutes(10)))
struct PartitionedObjectStorageTests {
    private let moto = MotoS3Server.shared!

    /// Small shards (4 KiB), so a partition of a few prompts closes many while it samples.
    private static let smallShards = "shard_size: 4096"
    /// Calls tried this often, so a call slowed down by a loaded machine does not fail a prompt
    /// (the comparisons need every prompt done).
    private static let attempts = 4

    private func client() -> S3Client {
        moto.client()
    }

    /// A run directory (local prompts) whose output is `s3://bucket/run`, in a fresh bucket.
    private func makeRun(_ server: SimulatorServer, _ label: String, prompts: Int) async throws -> (directory: String, config: String, bucket: String) {
        let bucket = MotoS3Server.bucketName(label)
        try await client().createBucket(bucket)
        let run = try RunFixtures.makeRun(server, prompts: prompts, extra: Self.smallShards, maxAttempts: Self.attempts, window: 4, output: "s3://\(bucket)/run")
        return (run.directory, run.config, bucket)
    }

    /// Starts `prefab ARGUMENTS` with the moto environment; its stderr goes to `log`.
    private func start(_ arguments: [String], environment: [String: String], log: String) throws -> Process {
        try startProcess(try JudgingFixtures.prefab, arguments, environment: environment, stderrLog: log)
    }

    /// Waits for `process` without blocking the test's thread.
    private func finish(_ process: Process) async throws -> Int32 {
        await process.exited()
        return process.terminationStatus
    }

    /// Every object under `run/` in `bucket`, by key relative to it.
    private func objects(_ bucket: String) async throws -> [String: Data] {
        var objects: [String: Data] = [:]
        for object in try await client().listObjects(bucket: bucket, prefix: "run/") {
            objects[String(object.key.dropFirst(4))] = try await client().getObject(bucket: bucket, key: object.key)
        }
        return objects
    }

    /// Files that say where and when they were made (paths, host, pid, seconds), not what the
    /// dataset holds: two runs that wrote the same records differ there.
    private static func describesTheRun(_ relative: String) -> Bool {
        let name = (relative as NSString).lastPathComponent
        return [RunPipeline.summaryName, RunPartitionLayout.stateName, "report.json", "report.html", DatasetCard.fileName].contains(name)
    }

    @Test func twoPartitionsStreamedSideBySideIntoS3AndMergedThereAreTheLocalPartitionsMergedLocally() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try await makeRun(server, "parted", prompts: 16)
            // Side by side into one prefix: neither refuses the other's claim.
            let first = try start(["run", run.config, "--quiet", "--partition", "0/2"], environment: moto.environment, log: run.directory + "/p0.log")
            let second = try start(["run", run.config, "--quiet", "--partition", "1/2"], environment: moto.environment, log: run.directory + "/p1.log")
            let statuses = [try await finish(first), try await finish(second)]
            let logs = try ["p0", "p1"].map { try String(contentsOfFile: run.directory + "/\($0).log", encoding: .utf8) }
            #expect(statuses == [0, 0], "\(logs)")
            #expect(try await client().listObjects(bucket: run.bucket, prefix: "run/samples/manifest.json").isEmpty, "no root index before the merge")

            let merge = try await JudgingFixtures.run(["merge", "s3://\(run.bucket)/run", "--config", run.config], environment: moto.environment)
            #expect(merge.status == 0, "\(merge.stderr)")
            #expect(merge.stdout.contains("merged 2 partitions: 16 of 16 prompts done"), "\(merge.stdout)")
            let merged = try await objects(run.bucket)

            // The same partitions written and merged locally (the same cache: the same answers).
            try RunFixtures.yaml(server, maxAttempts: Self.attempts, window: 4, output: "reference", extra: Self.smallShards)
                .write(toFile: run.directory + "/reference.yaml", atomically: true, encoding: .utf8)
            try await RunMergeTests.runPartitions(run.directory + "/reference.yaml", [0, 1], of: 2)
            var local = RunMerge(output: run.directory + "/reference")
            local.setup = try RunSetup.load(file: run.directory + "/reference.yaml")
            _ = try await local.run()
            let reference = try RunMergeTests.files(run.directory + "/reference")

            #expect(Set(merged.keys).subtracting([S3Publisher.markerName]) == Set(reference.keys))
            for (path, bytes) in reference where !Self.describesTheRun(path) {
                #expect(merged[path] == bytes, "\(path) differs")
            }
            #expect(reference.keys.contains("samples/mds/index.json") && reference.keys.contains("pairs/train/manifest.json"))
            let shards = merged.keys.filter { S3Publisher.isShard($0) }
            #expect(shards.allSatisfy { $0.contains("/part-0000") }, "every shard in its part's subdirectory")
            #expect(try await client().listMultipartUploads(bucket: run.bucket, prefix: "").isEmpty)

            // Merging again gives the same objects.
            let before = try await client().listObjects(bucket: run.bucket, prefix: "run/").map { "\($0.key) \($0.etag)" }
            let again = try await JudgingFixtures.run(["merge", "s3://\(run.bucket)/run", "--config", run.config], environment: moto.environment)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await client().listObjects(bucket: run.bucket, prefix: "run/").map { "\($0.key) \($0.etag)" } == before)

            // The merge takes the storage flags of the commands that write to s3://: the files it
            // writes are stored encrypted as asked.
            let encrypted = try await JudgingFixtures.run(
                ["merge", "s3://\(run.bucket)/run", "--config", run.config, "--sse", "AES256", "--s3-addressing-style", "path"], environment: moto.environment)
            #expect(encrypted.status == 0, "\(encrypted.stderr)")
            let heads = try moto.boto3("""
                for key in ['run/run-summary.json', 'run/pairs/train/manifest.json', 'run/pairs/train/mds/index.json']:
                    print(key, s3.head_object(Bucket='\(run.bucket)', Key=key).get('ServerSideEncryption'))
                """)
            #expect(heads.split(separator: "\n").map(String.init) == [
                "run/run-summary.json AES256", "run/pairs/train/manifest.json AES256", "run/pairs/train/mds/index.json AES256",
            ], "\(heads)")

            // Readers see the merged prefix as the local merged directory.
            let remoteRows = try await JudgingFixtures.run(["cat", "s3://\(run.bucket)/run/pairs/train/mds"], environment: moto.environment)
            let localRows = try await JudgingFixtures.run(["cat", run.directory + "/reference/pairs/train/mds"])
            #expect(remoteRows.status == 0, "\(remoteRows.stderr)")
            #expect(!localRows.stdout.isEmpty && remoteRows.stdout == localRows.stdout)
        }
    }

    @Test func aPartitionStreamingToS3KeepsNoMoreThanTheScratchLimitOfShardsOnLocalDisk() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try await makeRun(server, "partscratch", prompts: 24)
            let trace = run.directory + "/scratch.trace"
            var environment = moto.environment
            environment["PREFAB_SCRATCH_TRACE"] = trace
            let result = try await JudgingFixtures.run(["run", run.config, "--quiet", "--partition", "1/2", "--scratch-limit", "7"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let held = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
            #expect(held.count >= 6, "the scratch directory is looked at after every prompt")
            #expect(held.allSatisfy { $0 <= 7 }, "the scratch directory held \(held.max() ?? 0) closed shards: \(held)")
            let remote = try await client().listObjects(bucket: run.bucket, prefix: "run/").map(\.key).filter { S3Publisher.isShard($0) }
            #expect(remote.count > 7, "the part must outgrow the limit for the test to mean anything (\(remote.count) shards)")
            #expect(remote.allSatisfy { $0.contains("/part-00001-of-00002/") })
            let state = try await client().getObject(bucket: run.bucket, key: "run/parts/00001-of-00002/partition.json")
            #expect(String(decoding: state, as: UTF8.self).contains("\"complete\""))
        }
    }

    @Test func aKilledPartitionResumesWithoutResendingJournaledShardsAndLeavesOtherPartitionsUploadsAlone() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try await makeRun(server, "partkilled", prompts: 16)
            // Through the proxy the marker, partition.json and two shards go up; every later PUT
            // is reset and retried, so the session hangs with a shard upload open and is killed.
            let proxy = try S3FaultProxy(upstream: moto, reset: 1_000_000, passing: 4)
            defer { proxy.stop() }
            var environment = moto.environment
            environment["AWS_ENDPOINT_URL"] = proxy.endpoint
            environment["PREFAB_S3_MULTIPART_THRESHOLD"] = "1"
            environment["PREFAB_S3_MAX_ATTEMPTS"] = "1000"
            environment["PREFAB_S3_RETRY_BASE_DELAY"] = "0.05"
            let process = try start(["run", run.config, "--quiet", "--partition", "0/2"], environment: environment, log: run.directory + "/killed.log")
            let setup = try RunSetup.load(file: run.config).partitioned(try RunPartition(index: 0, count: 2))
            let journal = setup.journalPath
            let killed = await process.kill(when: {
                let uploads = RunJournal.uploads(path: journal)
                return uploads.finished.filter { S3Publisher.isShard($0.key) }.count >= 2 && !uploads.open.isEmpty
            })
            #expect(killed, "the first session should hang uploading a shard")
            let before = RunJournal.uploads(path: setup.journalPath).finished.filter { S3Publisher.isShard($0.key) }
            #expect(before.count >= 2)
            #expect(before.allSatisfy { $0.key.contains("/part-00000-of-00002/") })
            #expect(try await client().listMultipartUploads(bucket: run.bucket, prefix: "run/").count >= 1, "the killed session left an upload open")
            let state = try await client().getObject(bucket: run.bucket, key: "run/parts/00000-of-00002/partition.json")
            #expect(String(decoding: state, as: UTF8.self).contains("\"running\""), "the prefix shows the killed partition as running")
            #expect(try await client().listObjects(bucket: run.bucket, prefix: "run/").allSatisfy { !$0.key.hasSuffix("index.json") && !$0.key.hasSuffix("manifest.json") },
                    "no index file before every shard of the part is up")
            // One of this partition's that the journal never recorded is aborted; one of the
            // other partition's (in flight, as far as this one knows) is left alone.
            _ = try await client().createMultipartUpload(bucket: run.bucket, key: "run/samples/part-00000-of-00002/unrecorded.jsonl.zst")
            let others = try await client().createMultipartUpload(bucket: run.bucket, key: "run/samples/part-00001-of-00002/samples-00009.jsonl.zst")

            let log = run.directory + "/requests.log"
            let watcher = try S3FaultProxy(upstream: moto, log: log)
            defer { watcher.stop() }
            var resumedEnvironment = moto.environment
            resumedEnvironment["AWS_ENDPOINT_URL"] = watcher.endpoint
            let resumed = try await JudgingFixtures.run(["run", run.config, "--quiet", "--partition", "0/2"], environment: resumedEnvironment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let requests = try S3RequestLog(path: log)
            for record in before {
                #expect(!requests.sentBody(bucket: run.bucket, key: record.key), "\(record.key) was finished before the kill and uploaded again")
                #expect(requests.headed(bucket: run.bucket, key: record.key), "\(record.key) was not verified with HEAD")
            }
            let open = try await client().listMultipartUploads(bucket: run.bucket, prefix: "")
            #expect(open.map(\.uploadID) == [others], "\(open)")
            try await client().abortMultipartUpload(bucket: run.bucket, key: "run/samples/part-00001-of-00002/samples-00009.jsonl.zst", uploadID: others)
            #expect(RunJournal.uploads(path: setup.journalPath).open.isEmpty)

            // The part equals the same partition written locally.
            try RunFixtures.yaml(server, maxAttempts: Self.attempts, window: 4, output: "reference", extra: Self.smallShards)
                .write(toFile: run.directory + "/reference.yaml", atomically: true, encoding: .utf8)
            try await RunMergeTests.runPartitions(run.directory + "/reference.yaml", [0], of: 2)
            let reference = try RunMergeTests.files(run.directory + "/reference")
            let uploaded = try await objects(run.bucket)
            #expect(Set(uploaded.keys).subtracting([S3Publisher.markerName]) == Set(reference.keys))
            for (path, bytes) in reference where !Self.describesTheRun(path) {
                #expect(uploaded[path] == bytes, "\(path) differs")
            }
        }
    }

    @Test func mergingAPrefixMissingAPartitionExits2NamingItAndWritesNothing() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try await makeRun(server, "partmissing", prompts: 4)
            let only = try await JudgingFixtures.run(["run", run.config, "--quiet", "--partition", "0/2"], environment: moto.environment)
            #expect(only.status == 0, "\(only.stderr)")
            let before = try await client().listObjects(bucket: run.bucket, prefix: "run/").map(\.key)
            let merge = try await JudgingFixtures.run(["merge", "s3://\(run.bucket)/run"], environment: moto.environment)
            #expect(merge.status == 2, "\(merge.stderr)")
            #expect(merge.stderr.contains("partition 1/2: missing (no s3://\(run.bucket)/run/parts/00001-of-00002)"), "\(merge.stderr)")
            #expect(!merge.stderr.contains("partition 0/2"), "\(merge.stderr)")
            #expect(try await client().listObjects(bucket: run.bucket, prefix: "run/").map(\.key) == before, "a refused merge writes nothing")
            // A partition that started and was killed (its partition.json still says running).
            let one = try RunPartition(index: 1, count: 2)
            let running = try StageShards.encoder().encode(RunPartitionState(partition: one, identity: "x", status: .running, source: "test"))
            try await client().putObject(bucket: run.bucket, key: "run/parts/\(one.name)/partition.json", body: running)
            let waiting = try await JudgingFixtures.run(["merge", "s3://\(run.bucket)/run", "--no-report"], environment: moto.environment)
            #expect(waiting.status == 2, "\(waiting.stderr)")
            #expect(waiting.stderr.contains("partition 1/2: running, or killed mid-run"), "\(waiting.stderr)")
            // A partition of another count is refused before anything runs, naming the others.
            let three = try await JudgingFixtures.run(["run", run.config, "--quiet", "--partition", "0/3"], environment: moto.environment)
            #expect(three.status != 0)
            #expect(three.stderr.contains("split in 2 partitions (s3://\(run.bucket)/run/parts/…-of-00002)"), "\(three.stderr)")
            // A whole run into the prefix would replace the parts' datasets: refused, naming them.
            let whole = try await JudgingFixtures.run(["run", run.config, "--quiet"], environment: moto.environment)
            #expect(whole.status != 0)
            #expect(whole.stderr.contains("holds partitions of a split run (parts/00000-of-00002"), "\(whole.stderr)")
        }
    }
}
