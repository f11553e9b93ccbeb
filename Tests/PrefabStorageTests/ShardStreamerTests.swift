import Foundation
import PrefabLLM
import PrefabShards
import PrefabTestSupport
import Testing

@testable import PrefabStorage

/// `ShardStreamer` and `S3Publisher` against moto (authentication on): shards go up from their
/// writers' reports while the dataset is written, and the index files only after every shard.
@Suite(.enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"))
struct ShardStreamerTests {
    private let server = MotoS3Server.shared!

    private func client(endpoint: String) -> S3Client {
        server.client(endpoint: endpoint)
    }

    @Test(.timeLimit(.minutes(10)), arguments: [ShardFormat.jsonlZst, .mds])
    func reportedShardsGoUpWhileWritingAndTheIndexFilesOnlyAfterEveryShard(format: ShardFormat) async throws {
        let scratch = ScratchDirectory("s3-streamer")
        defer { scratch.remove() }
        let bucket = MotoS3Server.bucketName("streamer")
        try await client(endpoint: server.endpoint).createBucket(bucket)
        let log = scratch.sub("requests.log")
        let proxy = try S3FaultProxy(upstream: server, log: log)
        defer { proxy.stop() }
        let publisher = S3Publisher(
            client: client(endpoint: proxy.endpoint), destination: S3Location(bucket: bucket, key: "data"), identity: "test",
            ledger: MemoryUploadLedger())
        try await publisher.claim(force: false)
        let root = scratch.sub("dataset")
        let streamer = ShardStreamer(publisher: publisher, root: root, scratchLimit: 2, slack: 1)
        let options = ShardWriterOptions(format: format, shardSizeLimit: 8_000, shardClosed: streamer.shardClosed)
        let writer = try Shards.makeWriter(directory: root, options: options)
        var uploadedWhileWriting = 0
        for number in 0..<300 {
            try writer.write(["id": .int(Int64(number)), "text": .string(String(repeating: "x", count: 400) + "\(number)")])
            try await streamer.admit()
            uploadedWhileWriting = await streamer.outcome.uploaded.count
        }
        let manifest = try writer.finish()
        try await streamer.drain()
        let published = try await publisher.publish(directory: root)

        #expect(manifest.shards.count > 10)
        // Most went up before the last record; how many exactly depends on how soon the
        // writer's background queue closes each one.
        #expect(uploadedWhileWriting >= manifest.shards.count / 2, "shards go up as they close, not at the end")
        let streamed = await streamer.outcome.uploaded.map(\.key)
        #expect(Set(streamed) == Set(manifest.shards.map { "data/" + $0.file }))
        #expect(published.uploaded.allSatisfy { !S3Publisher.isShard($0.key) }, "the streamer uploaded every shard")
        // Each shard's local copy is gone once uploaded; the index files stay.
        let local = try FileManager.default.contentsOfDirectory(atPath: root).filter { !$0.hasPrefix(".") }
        #expect(local.allSatisfy { !S3Publisher.isShard($0) }, "\(local)")
        let remote = try await publisher.client.listObjects(bucket: bucket, prefix: "data/")
        for shard in manifest.shards {
            #expect(remote.first { $0.key == "data/" + shard.file }?.size == shard.bytes, "\(shard.file)")
        }
        // A loader opens the dataset by its index or manifest: no shard is sent after them.
        let sent = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("PUT ") || $0.hasPrefix("POST ") }.map(String.init)
        let isIndex = { (line: String) in line.contains("/index.json") || line.contains("/manifest.json") }
        let firstIndex = try #require(sent.firstIndex(where: isIndex))
        #expect(!sent[firstIndex...].contains { !isIndex($0) }, "\(sent[firstIndex...])")
    }
}
