import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

/// Prefab's JSONL reader against zstd files written by other tools.
@Suite struct JSONLZstGoldenTests {
    static let files = ["a_single", "b_nosize", "c_multiframe", "d_seekable", "e_seekable_fcs"]

    @Test(arguments: files)
    func everyReferenceFileReadsAsThePlainText(name: String) throws {
        let plain = try Fixtures.jsonLines("jsonl_zst/plain.jsonl")
        #expect(plain.count == 1000)
        let records = try Shards.open(Fixtures.path("jsonl_zst/\(name).jsonl.zst")).readAll()
        // e_seekable_fcs holds plain.jsonl twice.
        let expected = name == "e_seekable_fcs" ? plain + plain : plain
        #expect(records.count == expected.count)
        #expect(records == expected)
    }

    @Test func plainJSONLReadsToo() throws {
        let dataset = try Shards.open(Fixtures.path("jsonl_zst/plain.jsonl"))
        #expect(dataset.format == .jsonl)
        #expect(try dataset.readAll().count == 1000)
    }

    @Test func seekableReferenceFilesExposeTheirSeekTables() throws {
        let seekable = try JSONLFileReader(path: Fixtures.path("jsonl_zst/e_seekable_fcs.jsonl.zst"))
        #expect(seekable.seekTable?.entries.count == 6)
        #expect(seekable.seekTable?.hasChecksums == false)
        let plainFrames = try JSONLFileReader(path: Fixtures.path("jsonl_zst/c_multiframe.jsonl.zst"))
        #expect(plainFrames.seekTable == nil)
    }

    @Test func recordsStreamAsAnAsyncSequence() async throws {
        var count = 0
        for try await record in try Shards.open(Fixtures.path("jsonl_zst/d_seekable.jsonl.zst")).records(offset: 990) {
            #expect(record["prompt"] != nil)
            count += 1
        }
        #expect(count == 10)
    }
}
