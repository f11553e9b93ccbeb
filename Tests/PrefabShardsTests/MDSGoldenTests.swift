import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

/// Prefab's MDS writer and reader held against files written by MosaicML Streaming 0.13.0.
@Suite struct MDSGoldenTests {
    struct Golden: Sendable, CustomTestStringConvertible {
        let name: String
        let compression: Compression
        let hashes: [ShardHashAlgorithm]
        let sizeLimit: Int?
        var testDescription: String { name }
    }

    static let goldens: [Golden] = [
        Golden(name: "mds_zstd", compression: .zstd, hashes: [.sha1, .xxh64], sizeLimit: 1 << 26),
        Golden(name: "mds_raw", compression: .none, hashes: [], sizeLimit: 1 << 26),
        Golden(name: "mds_zstd7_multishard", compression: .zstd(level: 7), hashes: [.xxh3_64], sizeLimit: 400),
    ]

    /// index.json with the `zip_data` bytes and hashes masked (compressed bytes depend on the
    /// zstd version).
    static func maskedIndex(_ bytes: [UInt8]) throws -> JSONValue {
        var index = try JSONObject(parsing: bytes)
        var shards = index["shards"]!.arrayValue!
        for position in shards.indices {
            var shard = shards[position].objectValue!
            if var zip = shard["zip_data"]?.objectValue {
                zip["bytes"] = 0
                zip["hashes"] = .object(JSONObject((zip["hashes"]!.objectValue!).map { ($0.key, JSONValue.string("masked")) }))
                shard["zip_data"] = .object(zip)
            }
            shards[position] = .object(shard)
        }
        index["shards"] = .array(shards)
        return .object(index)
    }

    static func decompress(_ path: String) throws -> [UInt8] {
        let result = try runProcessBlocking("/usr/bin/zstd", ["-d", "-c", "-q", path])
        #expect(result.status == 0)
        // Pipe output is text-decoded by runProcess; re-read through a file instead.
        let out = path + ".check"
        _ = try runProcessBlocking("/usr/bin/zstd", ["-d", "-q", "-f", path, "-o", out])
        defer { try? FileManager.default.removeItem(atPath: out) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    @Test(arguments: goldens)
    func writerReproducesTheReferenceShardsAndIndex(golden: Golden) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.sub(golden.name)
        let writer = try MDSWriter(directory: output, options: ShardWriterOptions(
            format: .mds, compression: golden.compression, shardSizeLimit: golden.sizeLimit,
            columns: Fixtures.goldenColumns, hashes: golden.hashes))
        for sample in Fixtures.goldenSamples { try writer.write(sample) }
        try writer.finish()

        let goldenDirectory = Fixtures.path("mds/" + golden.name)
        let goldenIndex = try Fixtures.data("mds/\(golden.name)/index.json")
        let ourIndex = Array(try Data(contentsOf: URL(fileURLWithPath: output + "/index.json")))
        if golden.compression.isCompressed {
            #expect(try Self.maskedIndex(ourIndex).serialized(style: .pythonSortedKeys) == Self.maskedIndex(goldenIndex).serialized(style: .pythonSortedKeys))
        } else {
            #expect(ourIndex == goldenIndex, "index.json must be byte-identical")
        }
        // The serialisation itself is byte-identical once zip_data is masked the same way.
        #expect(try Self.maskedIndex(ourIndex) == Self.maskedIndex(goldenIndex))

        let index = try MDSIndex.load(from: goldenDirectory)
        for (number, shard) in index.shards.enumerated() {
            let ours: [UInt8]
            let reference: [UInt8]
            if golden.compression.isCompressed {
                ours = try Self.decompress(output + "/" + shard.zipData!.basename)
                reference = try Fixtures.data("mds/decompressed/\(golden.name).shard.\(String(format: "%05d", number)).mds")
                #expect(try zstdTest(output + "/" + shard.zipData!.basename))
            } else {
                ours = Array(try Data(contentsOf: URL(fileURLWithPath: output + "/" + shard.rawData.basename)))
                reference = try Fixtures.data("mds/\(golden.name)/\(shard.rawData.basename)")
            }
            #expect(ours == reference, "shard \(number) decompressed bytes must be byte-identical")
        }
    }

    @Test(arguments: goldens)
    func readerReadsEveryReferenceDirectoryWithHashesChecked(golden: Golden) throws {
        for verification in [Verification.minimal, .standard, .full] {
            let dataset = try MDSDataset(directory: Fixtures.path("mds/" + golden.name), verification: verification)
            #expect(dataset.count == 3)
            for position in 0..<3 {
                #expect(try dataset.record(at: position) == Fixtures.goldenSamples[position])
            }
        }
        // Sequential reads: whole shards (full verification) and streamed ones (standard: the
        // stored hash is checked first, then samples are decompressed as they are read).
        for verification in [Verification.full, .standard, .minimal] {
            let records = try Shards.open(Fixtures.path("mds/" + golden.name), verification: verification).readAll()
            #expect(records == Fixtures.goldenSamples, "\(verification)")
        }
    }

    @Test func multiShardReferenceStartsWithAnEmptyShard() throws {
        let dataset = try MDSDataset(directory: Fixtures.path("mds/mds_zstd7_multishard"))
        #expect(dataset.index.shards.map(\.samples) == [0, 1, 1, 1])
        #expect(try dataset.record(at: 0)["prompt"] == "What is 2+2?")
        #expect(try dataset.record(at: 2)["prompt"] == "")
        #expect(throws: ShardError.self) { _ = try dataset.record(at: 3) }
        #expect(try MDSDataset(directory: Fixtures.path("mds/mds_zstd7_multishard"), verification: .hash(.xxh3_64)).verifyAll() == 3)
    }

    @Test func validateHashNamesAHashTheIndexDoesNotList() throws {
        let dataset = try MDSDataset(directory: Fixtures.path("mds/mds_zstd"), verification: .hash(.md5))
        #expect {
            _ = try dataset.record(at: 0)
        } throws: { error in
            "\(error)".contains("lists no md5 hash")
        }
    }

    @Test func aLoneShardFileReadsThroughItsEmbeddedConfig() throws {
        let records = try Shards.open(Fixtures.path("mds/mds_zstd/shard.00000.mds.zstd")).readAll()
        #expect(records == Fixtures.goldenSamples)
        let raw = try Shards.open(Fixtures.path("mds/mds_raw/shard.00000.mds")).readAll()
        #expect(raw == Fixtures.goldenSamples)
        let empty = try Shards.open(Fixtures.path("mds/decompressed/mds_zstd7_multishard.shard.00000.mds")).readAll()
        #expect(empty.isEmpty)
    }

    @Test func jsonColumnsSerialiseAsPythonJsonDumps() throws {
        var bytes: [UInt8] = []
        try MDSEncoding.json.encode(Fixtures.goldenSamples[1]["chosen"]!, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"text": "caf\u00e9 \ud83d\ude00", "n": 1}"#)
    }
}
