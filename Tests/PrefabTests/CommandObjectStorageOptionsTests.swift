import Foundation
import Prefab
import PrefabShards
import PrefabStorage
import PrefabTestSupport
import Testing

/// The object-storage options of the commands, against moto's S3 server (authentication on):
/// the addressing style (`--s3-addressing-style`, `storage: {addressing_style}`), encryption
/// (`--sse`, `--sse-kms-key-id`), `prefab judge --reaggregate` on `s3://`, and a killed
/// `prefab convert … s3://` resuming without sending a finished shard again.
@Suite(
    .enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"),
    .timeLimit(.minutes(10)))
struct CommandObjectStorageOptionsTests {
    private let moto = MotoS3Server.shared!

    private func client() -> S3Client {
        moto.client()
    }

    private static func writeJSONL(_ records: [JSONObject], to path: String) throws {
        try Data(records.map { $0.serialized() + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Every regular file under `directory`, by relative path.
    private static func files(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + relative))
        }
        return files
    }

    /// The objects under `prefix` of `bucket`, downloaded, by path relative to the prefix; the
    /// identity marker (which names the writer, not the data) left out.
    private func published(_ bucket: String, _ prefix: String, into directory: String) async throws -> [String: Data] {
        _ = try await S3Download.materialize(S3Location(bucket: bucket, key: prefix + "/"), client: client(), into: directory)
        return try Self.files(directory).filter { !$0.key.hasSuffix(S3Publisher.markerName) }
    }

    /// "KEY ENCRYPTION KMS-KEY" for every object under `prefix`, as boto3's HEAD reports them.
    private func encryption(_ bucket: String, prefix: String) throws -> [String] {
        try moto.boto3("""
            for o in s3.list_objects_v2(Bucket='\(bucket)', Prefix='\(prefix)').get('Contents', []):
                head = s3.head_object(Bucket='\(bucket)', Key=o['Key'])
                print(o['Key'], head.get('ServerSideEncryption'), head.get('SSEKMSKeyId'))
            """).split(separator: "\n").map(String.init)
    }

    // MARK: Addressing style

    @Test func theAddressingFlagAndConfigKeyWinOverTheEnvironment() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let bucket = try moto.makeBucket("addressing")
        let records = Fixtures.records(count: 50)
        try Self.writeJSONL(records, to: scratch.sub("in.jsonl"))
        // Virtual-hosted addressing names moto as BUCKET.127.0.0.1, which does not resolve.
        var environment = moto.environment
        environment["PREFAB_S3_ADDRESSING_STYLE"] = "virtual"
        environment["PREFAB_S3_MAX_ATTEMPTS"] = "1"
        environment["PREFAB_HOME"] = scratch.sub("home")
        let virtual = try await JudgingFixtures.run(["convert", scratch.sub("in.jsonl"), "s3://\(bucket)/v", "--format", "jsonl.zst"], environment: environment)
        #expect(virtual.status != 0, "virtual-hosted addressing cannot reach moto")
        let path = try await JudgingFixtures.run(
            ["convert", scratch.sub("in.jsonl"), "s3://\(bucket)/p", "--format", "jsonl.zst", "--s3-addressing-style", "path"], environment: environment)
        #expect(path.status == 0, "\(path.stderr)")
        let cat = try await JudgingFixtures.run(["cat", "s3://\(bucket)/p"], environment: moto.environment)
        #expect(cat.stdout.split(separator: "\n").count == 50)
        let wrong = try await JudgingFixtures.run(
            ["convert", scratch.sub("in.jsonl"), "s3://\(bucket)/w", "--format", "jsonl.zst", "--s3-addressing-style", "dns"], environment: environment)
        #expect(wrong.status != 0 && wrong.stderr.contains("--s3-addressing-style must be path or virtual"), "\(wrong.stderr)")

        // A run whose config says path, under the same environment.
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 4, extra: "storage: {addressing_style: path}", window: 4, output: "s3://\(bucket)/run")
            let result = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let keys = try await client().listObjects(bucket: bucket, prefix: "run/").map(\.key)
            #expect(keys.contains("run/pairs/train/manifest.json"), "\(keys)")
        }
    }

    // MARK: Encryption

    @Test func convertAndPairsAskForTheEncryptionGivenOnEveryObject() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let bucket = try moto.makeBucket("ssecmd")
        try Self.writeJSONL(Fixtures.records(count: 200), to: scratch.sub("in.jsonl"))
        var environment = moto.environment
        environment["PREFAB_HOME"] = scratch.sub("home")
        // Small objects as single PUTs, the shards as multipart uploads.
        environment["PREFAB_S3_MULTIPART_THRESHOLD"] = "8192"
        let convert = try await JudgingFixtures.run(
            ["convert", scratch.sub("in.jsonl"), "s3://\(bucket)/kms", "--format", "mds", "--shard-size", "16kb",
             "--sse", "aws:kms", "--sse-kms-key-id", "alias/prefab-datasets"], environment: environment)
        #expect(convert.status == 0, "\(convert.stderr)")
        let kms = try encryption(bucket, prefix: "kms/")
        #expect(kms.count >= 4 && kms.contains { $0.hasPrefix("kms/index.json ") }, "\(kms)")
        #expect(kms.allSatisfy { $0.hasSuffix(" aws:kms alias/prefab-datasets") }, "\(kms)")

        try PairsRunTests.writeRated(PairsRunTests.ratedRecords(), to: scratch.sub("rated"))
        let pairs = try await JudgingFixtures.run(
            ["pairs", "--rated", scratch.sub("rated"), "--out", "s3://\(bucket)/pairs", "--test-ratio", "0.2", "--sse", "AES256"], environment: environment)
        #expect(pairs.status == 0, "\(pairs.stderr)")
        let aes = try encryption(bucket, prefix: "pairs/")
        #expect(aes.contains { $0.hasPrefix("pairs/train/manifest.json ") }, "\(aes)")
        #expect(aes.allSatisfy { $0.hasSuffix(" AES256 None") }, "\(aes)")

        // How the objects are stored is not what they hold: the same command without the flag
        // is the same dataset, not another one.
        let again = try await JudgingFixtures.run(
            ["pairs", "--rated", scratch.sub("rated"), "--out", "s3://\(bucket)/pairs", "--test-ratio", "0.2"], environment: environment)
        #expect(again.status == 0, "\(again.stderr)")

        let refused = try await JudgingFixtures.run(
            ["pairs", "--rated", scratch.sub("rated"), "--out", "s3://\(bucket)/other", "--sse-kms-key-id", "k"], environment: environment)
        #expect(refused.status != 0 && refused.stderr.contains("--sse-kms-key-id needs --sse aws:kms"), "\(refused.stderr)")
    }

    @Test func sampleTakesItsConfigsStorageBlockAndTheFlagWinsOverIt() async throws {
        let bucket = try moto.makeBucket("ssesample")
        try await SampleCommandTests.withWorkspace { directory, server in
            try (SampleCommandTests.config(port: server.baseURL).replacingOccurrences(of: "output: run", with: "output: s3://\(bucket)/run")
                + "\nstorage: {sse: AES256}\n")
                .write(toFile: directory + "/sample.yaml", atomically: true, encoding: .utf8)
            var environment = moto.environment
            environment["PREFAB_HOME"] = directory + "/home"
            let prefab = try SampleCommandTests.prefab()
            let configured = try await runProcess(prefab, ["sample", "--config", "sample.yaml", "--quiet", "--limit", "3"], environment: environment, currentDirectory: directory)
            #expect(configured.status == 0, "\(configured.stderr)")
            let aes = try encryption(bucket, prefix: "run/samples/")
            #expect(aes.count >= 3 && aes.allSatisfy { $0.hasSuffix(" AES256 None") }, "\(aes)")
            let flagged = try await runProcess(
                prefab, ["sample", "--config", "sample.yaml", "--quiet", "--limit", "3", "--out", "s3://\(bucket)/kms", "--sse", "aws:kms"],
                environment: environment, currentDirectory: directory)
            #expect(flagged.status == 0, "\(flagged.stderr)")
            let kms = try encryption(bucket, prefix: "kms/")
            #expect(kms.count >= 3 && kms.allSatisfy { $0.contains(" aws:kms ") }, "\(kms)")
        }
    }

    // MARK: judge --reaggregate

    @Test func reaggregatingFromAndToS3WritesWhatTheLocalReaggregationWrites() async throws {
        let root = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PairsRunTests.writeRated(IncompleteRatingsTests.oldShards(), to: root + "/rated")
        let bucket = try moto.makeBucket("reaggregate")
        try moto.upload(directory: root + "/rated", bucket: bucket, prefix: "run/rated/")
        let judges = ["--judges", JudgingFixtures.ensembleFile("ultrafeedback")]
        let local = try await JudgingFixtures.run(["judge", "--reaggregate", root + "/rated", "--out", root + "/fixed"] + judges)
        #expect(local.status == 0, "\(local.stderr)")
        let remote = try await JudgingFixtures.run(
            ["judge", "--reaggregate", "s3://\(bucket)/run/rated", "--out", "s3://\(bucket)/run/fixed"] + judges, environment: moto.environment)
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout.contains("re-aggregated 2 prompts"), "\(remote.stdout)")
        var uploaded = try await published(bucket, "run/fixed", into: root + "/downloaded")
        var written = try Self.files(root + "/fixed")
        // The report names the input and output as given; the rest of it is the same.
        let report = JudgeStage.reportName
        func summary(_ data: Data?) throws -> JudgeStageSummary { try JSONDecoder().decode(JudgeStageSummary.self, from: try #require(data)) }
        var remoteSummary = try summary(uploaded.removeValue(forKey: report))
        let localSummary = try summary(written.removeValue(forKey: report))
        #expect(remoteSummary.samples == "s3://\(bucket)/run/rated" && remoteSummary.output == "s3://\(bucket)/run/fixed")
        remoteSummary.samples = localSummary.samples
        remoteSummary.output = localSummary.output
        #expect(try JudgingFixtures.json(remoteSummary) == JudgingFixtures.json(localSummary))
        #expect(!written.isEmpty && uploaded.keys.sorted() == written.keys.sorted())
        for (path, bytes) in written { #expect(uploaded[path] == bytes, "\(path) differs") }
        // From S3 into a local directory too.
        let down = try await JudgingFixtures.run(["judge", "--reaggregate", "s3://\(bucket)/run/rated", "--out", root + "/fixed-local"] + judges, environment: moto.environment)
        #expect(down.status == 0, "\(down.stderr)")
        #expect(try Self.files(root + "/fixed-local").filter { $0.key != report } == written)
    }

    // MARK: convert: scratch limit and resume

    @Test func aKilledConvertResumesWithoutReuploadingFinishedShardsAndLeavesNothingBehind() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let bucket = try moto.makeBucket("convertkill")
        try Self.writeJSONL(Fixtures.records(count: 600), to: scratch.sub("in.jsonl"))
        let arguments = ["convert", scratch.sub("in.jsonl"), "s3://\(bucket)/data", "--format", "jsonl.zst", "--shard-size", "4kb", "--scratch-limit", "2"]
        let home = scratch.sub("home")
        // Through the proxy the marker and two shards go up; every later PUT is reset and
        // retried, so the conversion hangs with a shard upload open (every file is a multipart
        // upload: threshold 1 byte) and waits for it (scratch limit 2), and is killed there.
        let proxy = try S3FaultProxy(upstream: moto, reset: 1_000_000, passing: 3)
        defer { proxy.stop() }
        var environment = moto.environment
        environment["AWS_ENDPOINT_URL"] = proxy.endpoint
        environment["PREFAB_HOME"] = home
        environment["PREFAB_S3_MULTIPART_THRESHOLD"] = "1"
        environment["PREFAB_S3_MAX_ATTEMPTS"] = "1000"
        environment["PREFAB_S3_RETRY_BASE_DELAY"] = "0.05"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try JudgingFixtures.prefab)
        process.arguments = arguments + ["--quiet"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        func ledger() -> String? {
            let converts = home + "/converts"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: converts)) ?? []
            return names.first.map { converts + "/" + $0 + "/uploads.sqlite" }
        }
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline {
            if let ledger = ledger() {
                let uploads = RunJournal.uploads(path: ledger)
                if uploads.finished.count >= 2, !uploads.open.isEmpty { break }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(process.isRunning, "the conversion should hang uploading a shard")
        kill(process.processIdentifier, SIGKILL)
        await process.exited()
        let ledgerPath = try #require(ledger())
        let before = RunJournal.uploads(path: ledgerPath)
        #expect(before.finished.count >= 2 && before.finished.allSatisfy { S3Publisher.isShard($0.key) })
        let keys = try await client().listObjects(bucket: bucket, prefix: "data/").map(\.key)
        #expect(!keys.contains("data/manifest.json"), "no index file before every shard is up")
        #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "data/").count >= 1, "the killed conversion left an upload open")

        // The rerun goes through a proxy that only logs what is sent.
        let log = scratch.sub("requests.log")
        let watcher = try S3FaultProxy(upstream: moto, log: log)
        defer { watcher.stop() }
        var resumedEnvironment = moto.environment
        resumedEnvironment["AWS_ENDPOINT_URL"] = watcher.endpoint
        resumedEnvironment["PREFAB_HOME"] = home
        let resumed = try await JudgingFixtures.run(arguments, environment: resumedEnvironment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resumed: \(before.finished.count) object(s) already uploaded"), "\(resumed.stderr)")
        let requests = try S3RequestLog(path: log)
        for record in before.finished {
            #expect(!requests.sentBody(bucket: bucket, key: record.key), "\(record.key) was finished before the kill and uploaded again")
            #expect(requests.headed(bucket: bucket, key: record.key), "\(record.key) was not verified with HEAD")
        }
        #expect(try await client().listMultipartUploads(bucket: bucket, prefix: "").isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: home + "/converts")) ?? []).isEmpty, "a finished conversion leaves no state")

        // The same as an uninterrupted conversion to local disk.
        let help = try await JudgingFixtures.run(["convert", "--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("--scratch-limit <N> s3:// output: closed shards kept on local disk at most while they upload (default \(RemoteConversion.defaultScratchLimit)"), "\(help.stdout)")
        let local = try await JudgingFixtures.run(Array(arguments.prefix(2)) + [scratch.sub("local")] + Array(arguments[3..<7]))
        #expect(local.status == 0, "\(local.stderr)")
        let uploaded = try await published(bucket, "data", into: scratch.sub("downloaded"))
        let written = try Self.files(scratch.sub("local"))
        #expect(written.count > 4 && uploaded.keys.sorted() == written.keys.sorted())
        for (path, bytes) in written { #expect(uploaded[path] == bytes, "\(path) differs") }
    }
}
