import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

/// A flipped byte or a cut file is reported as damage naming the file, and never turns into
/// wrong records.
@Suite struct CorruptionTests {
    static let records = Fixtures.records(count: 400)

    /// Reads everything, returning the records read before an error, and the error.
    static func readUntilError(_ path: String, verification: Verification = .standard) -> (records: [JSONObject], error: ShardError?) {
        var read: [JSONObject] = []
        do {
            let cursor = try Shards.open(path, verification: verification).cursor()
            while let record = try cursor.next() { read.append(record) }
            return (read, nil)
        } catch {
            return (read, error)
        }
    }

    static func write(_ format: ShardFormat, to directory: String, compression: Compression = .zstd, hashes: [ShardHashAlgorithm] = [.sha1, .xxh64]) throws -> ShardManifest {
        let writer = try Shards.makeWriter(directory: directory, options: ShardWriterOptions(format: format, compression: compression, shardSizeLimit: 60_000, frameSize: 8192, hashes: hashes))
        for record in records { try writer.write(record) }
        return try writer.finish()
    }

    /// Every record handed out before the error must be the right one.
    static func expectNoWrongRecords(_ read: [JSONObject]) {
        #expect(read == Array(records.prefix(read.count)), "records decoded before the error must be correct")
    }

    @Test(arguments: [0.1, 0.5, 0.9])
    func flippedByteInAJSONLZstFrameIsCaughtBeforeItsRecords(where fraction: Double) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.jsonlZst, to: scratch.sub("out"))
        let shard = manifest.shards[1]
        let path = scratch.sub("out/" + shard.file)
        try flipByte(in: path, at: Int(Double(shard.bytes - 200) * fraction) + 20)
        for verification in [Verification.minimal, .standard, .full] {
            let (read, error) = Self.readUntilError(scratch.sub("out"), verification: verification)
            let damage = try #require(error, "verification \(verification)")
            #expect(damage.isDamage, "\(damage)")
            #expect(damage.path == path, "\(damage)")
            #expect(damage.description.contains(shard.file))
            Self.expectNoWrongRecords(read)
        }
    }

    @Test func flippedByteInTheSeekTableIsCorruption() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.jsonlZst, to: scratch.sub("out"))
        let path = scratch.sub("out/" + manifest.shards[0].file)
        // The last entry's checksum field sits just before the 9-byte footer.
        try flipByte(in: path, at: manifest.shards[0].bytes - 11)
        let (read, error) = Self.readUntilError(path)
        #expect(error?.isDamage == true)
        #expect(error?.path == path)
        #expect(error?.description.contains("checksum") == true, "\(String(describing: error))")
        Self.expectNoWrongRecords(read)
    }

    @Test func truncatedJSONLZstShardsAreDetectedWithOrWithoutTheManifest() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.jsonlZst, to: scratch.sub("out"))
        let path = scratch.sub("out/" + manifest.shards[0].file)
        for cut in [1, 9, 15, 600, manifest.shards[0].bytes / 2] {
            try? FileManager.default.removeItem(atPath: scratch.sub("copy.jsonl.zst"))
            try FileManager.default.copyItem(atPath: path, toPath: scratch.sub("copy.jsonl.zst"))
            try truncate(scratch.sub("copy.jsonl.zst"), by: cut)
            // Alone (no manifest): the cut lands inside a frame or the seek table.
            let (read, error) = Self.readUntilError(scratch.sub("copy.jsonl.zst"))
            #expect(error?.isDamage == true, "cut \(cut): \(String(describing: error))")
            Self.expectNoWrongRecords(read)
        }
        // In its directory, the manifest's size catches it before reading.
        try truncate(path, by: 3)
        let (read, error) = Self.readUntilError(scratch.sub("out"))
        guard case .truncated(let file, _)? = error else {
            Issue.record("expected truncated, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(read.isEmpty)
    }

    @Test(arguments: [Compression.zstd, .none])
    func flippedByteInAnMDSShardIsCaught(compression: Compression) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.mds, to: scratch.sub("out"), compression: compression)
        let shard = manifest.shards[1]
        let path = scratch.sub("out/" + shard.file)
        try flipByte(in: path, at: shard.bytes / 2)
        for verification in [Verification.standard, .full, .hash(.sha1)] {
            let (read, error) = Self.readUntilError(scratch.sub("out"), verification: verification)
            let damage = try #require(error)
            #expect(damage.isDamage)
            #expect(damage.path == path, "\(damage)")
            Self.expectNoWrongRecords(read)
            #expect(read.count == manifest.shards[0].records)
        }
        // Random access to a sample in the damaged shard fails too; other shards still read.
        let dataset = try MDSDataset(directory: scratch.sub("out"))
        #expect(throws: ShardError.self) { _ = try dataset.record(at: manifest.shards[0].records) }
        #expect(try dataset.record(at: 0) == Self.records[0])
    }

    @Test func mdsWithoutIndexHashesFallsBackToTheManifestSHA256() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.mds, to: scratch.sub("out"), compression: .none, hashes: [])
        let path = scratch.sub("out/" + manifest.shards[0].file)
        try flipByte(in: path, at: manifest.shards[0].bytes - 10)
        let (read, error) = Self.readUntilError(scratch.sub("out"))
        #expect(error?.description.contains("sha256") == true, "\(String(describing: error))")
        #expect(read.isEmpty)
    }

    @Test func referenceShardsWithoutFrameChecksumsAreCheckedByTheirIndexHashes() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = scratch.sub("golden")
        try FileManager.default.copyItem(atPath: Fixtures.path("mds/mds_zstd"), toPath: directory)
        let path = directory + "/shard.00000.mds.zstd"
        try flipByte(in: path, at: 200)
        let (read, error) = Self.readUntilError(directory)
        #expect(error?.isDamage == true, "\(String(describing: error))")
        #expect(error?.path == path)
        #expect(read.isEmpty)
    }

    @Test func truncatedMDSShardIsReportedAsTruncated() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.mds, to: scratch.sub("out"))
        let path = scratch.sub("out/" + manifest.shards[0].file)
        try truncate(path, by: 100)
        let (_, error) = Self.readUntilError(scratch.sub("out"))
        guard case .truncated(let file, let reason)? = error else {
            Issue.record("expected truncated, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(reason.contains("index.json says"))
        // Even without size checks, the cut frame is caught.
        let (_, minimal) = Self.readUntilError(scratch.sub("out"), verification: .minimal)
        #expect(minimal?.isDamage == true, "\(String(describing: minimal))")
    }

    @Test func aDirectoryWithoutIndexOrManifestIsReportedAsUnfinished() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.jsonlZst, to: scratch.sub("out"))
        try FileManager.default.removeItem(atPath: scratch.sub("out/manifest.json"))
        #expect {
            _ = try Shards.open(scratch.sub("out"))
        } throws: { error in
            "\(error)".contains("did not finish")
        }
        // The shard files themselves still read one by one.
        #expect(try Shards.open(scratch.sub("out/" + manifest.shards[0].file)).readAll().count == manifest.shards[0].records)
    }

    @Test func aShardCutAtAFrameBoundaryIsCaughtByTheManifestRecordCount() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let manifest = try Self.write(.jsonlZst, to: scratch.sub("out"))
        let path = scratch.sub("out/" + manifest.shards[0].file)
        // Rewrite the shard as its first frame only, and patch the manifest's size and hash
        // (as a careless copy tool might): the record count still gives it away.
        let reader = try JSONLFileReader(path: path)
        let firstFrame = Int(reader.seekTable!.entries[0].compressedSize)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(firstFrame))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var patched = manifest
        patched.shards[0].bytes = bytes.count
        patched.shards[0].sha256 = Digest.sha256Hex(bytes)
        try FileManager.default.removeItem(atPath: scratch.sub("out/manifest.json"))
        try patched.write(to: scratch.sub("out"))
        let (read, error) = Self.readUntilError(scratch.sub("out"))
        #expect(error?.description.contains("manifest.json says") == true, "\(String(describing: error))")
        Self.expectNoWrongRecords(read)
    }
}
