import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

/// The shard writers tell `ShardWriterOptions.shardClosed` about each shard once it is complete
/// under its own name: an `s3://` output uploads and deletes each shard on that report, so a
/// report must never come before the file is whole, come twice, or be missing.
@Suite struct ShardClosedObserverTests {
    /// What the observer saw: each report, and whether the file was then complete on disk.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [(shard: ShardClosedObserver.Shard, onDisk: Data?)] = []

        var observer: ShardClosedObserver {
            ShardClosedObserver { shard in
                let bytes = try? Data(contentsOf: URL(fileURLWithPath: shard.path))
                self.lock.withLock { self.seen.append((shard, bytes)) }
            }
        }

        var all: [(shard: ShardClosedObserver.Shard, onDisk: Data?)] { lock.withLock { seen } }
    }

    @Test(arguments: [ShardFormat.jsonlZst, .mds])
    func eachShardIsReportedOnceAfterItsFileIsCompleteInTheOrderTheyWereCut(format: ShardFormat) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let reports = Reports()
        let records = Fixtures.records(count: 600, largeEvery: 150, largeSize: 50_000)
        let options = ShardWriterOptions(format: format, shardSizeLimit: 60_000, shardClosed: reports.observer)
        let writer = try Shards.makeWriter(directory: scratch.sub("out"), options: options)
        for record in records { try writer.write(record) }
        let manifest = try writer.finish()

        let seen = reports.all
        #expect(manifest.shards.count > 5)
        #expect(seen.map { ($0.shard.path as NSString).lastPathComponent } == manifest.shards.map(\.file))
        for (shard, listed) in zip(seen, manifest.shards) {
            let bytes = try #require(shard.onDisk, "\(listed.file) was not on disk under its name when reported")
            #expect(shard.shard.path == scratch.sub("out") + "/" + listed.file)
            #expect(bytes.count == listed.bytes && shard.shard.bytes == listed.bytes)
            #expect(Digest.sha256Hex(bytes) == listed.sha256 && shard.shard.sha256 == listed.sha256)
        }
    }

    @Test func theObserverDoesNotMakeOptionsDiffer() {
        let plain = ShardWriterOptions(format: .mds)
        let observed = ShardWriterOptions(format: .mds, shardClosed: ShardClosedObserver { _ in })
        #expect(plain == observed)
        #expect(plain.hashValue == observed.hashValue)
    }
}
