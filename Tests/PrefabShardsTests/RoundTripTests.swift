import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

/// Records written by Prefab read back equal, in both formats, across awkward content and
/// shard/frame boundaries; every file written passes `zstd -t`.
@Suite struct RoundTripTests {
    static func storedFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".zst") || $0.hasSuffix(".zstd") }
            .sorted().map { directory + "/" + $0 }
    }

    @Test func jsonlZstRoundTripsAcrossFramesAndShards() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 3000, largeEvery: 700)
        let options = ShardWriterOptions(format: .jsonlZst, shardSizeLimit: 400_000, frameSize: 16 << 10, configHash: "abc123")
        let writer = try Shards.makeWriter(directory: scratch.sub("out"), options: options)
        for record in records { try writer.write(record) }
        let manifest = try writer.finish()

        #expect(manifest.recordCount == records.count)
        #expect(manifest.shards.count > 3)
        #expect(manifest.configHash == "abc123")
        #expect(manifest.shards.allSatisfy { $0.file.hasPrefix("data-") && $0.file.hasSuffix(".jsonl.zst") })
        #expect(manifest.shards.contains { $0.rawBytes > 128 << 10 })
        // Only the oversized-record shards exceed the limit, and they hold that one record.
        for shard in manifest.shards where shard.rawBytes > 400_000 { #expect(shard.records == 1) }
        #expect(try Shards.open(scratch.sub("out"), verification: .full).readAll() == records)
        for file in try Self.storedFiles(scratch.sub("out")) {
            #expect(try zstdTest(file), "zstd -t \(file)")
            let reader = try JSONLFileReader(path: file)
            #expect(reader.seekTable?.hasChecksums == true)
        }
        // Shard hashes in the manifest are the SHA-256 of the files.
        for shard in manifest.shards {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: scratch.sub("out/" + shard.file)))
            #expect(Digest.sha256Hex(bytes) == shard.sha256)
            #expect(bytes.count == shard.bytes)
        }
    }

    @Test func framesEndOnLineBoundariesSoReadingCanStartAtAnyFrame() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 500)
        let writer = try JSONLZstWriter(directory: scratch.sub("out"), options: ShardWriterOptions(format: .jsonlZst, shardSizeLimit: nil, frameSize: 4096))
        for record in records { try writer.write(record) }
        try writer.finish()
        let file = scratch.sub("out/data-00000.jsonl.zst")
        let table = try #require(try JSONLFileReader(path: file).seekTable)
        #expect(table.entries.count > 20)
        #expect(table.entries.dropLast().allSatisfy { $0.decompressedSize <= 4096 })

        // Lines per frame, from the decompressed text.
        let text = records.map { $0.serialized() + "\n" }.joined()
        var frameStartRecord: [Int] = []
        var consumed = 0
        var recordIndex = 0
        let lineLengths = records.map { $0.serializedBytes().count + 1 }
        for entry in table.entries {
            frameStartRecord.append(recordIndex)
            let end = consumed + Int(entry.decompressedSize)
            while consumed < end {
                consumed += lineLengths[recordIndex]
                recordIndex += 1
            }
            #expect(consumed == end, "frame ends on a line boundary")
        }
        #expect(consumed == text.utf8.count)
        for frame in [0, 1, table.entries.count / 2, table.entries.count - 1] {
            let reader = try JSONLFileReader(path: file, startFrame: frame)
            var read: [JSONObject] = []
            while let line = try reader.nextLine() { read.append(try JSONObject(parsing: line)) }
            #expect(read == Array(records[frameStartRecord[frame]...]))
        }
    }

    @Test func mdsRoundTripsWithInferredColumnsOverTheSizeLimit() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 3000, largeEvery: 1000, largeSize: 300_000)
        for compression in [Compression.zstd, .none, .zstd(level: 9)] {
            let output = scratch.sub("out-\(compression)")
            let writer = try MDSWriter(directory: output, options: ShardWriterOptions(format: .mds, compression: compression, shardSizeLimit: 200_000))
            for record in records { try writer.write(record) }
            let manifest = try writer.finish()
            #expect(writer.columns?.map(\.description) == ["chosen:json", "empty:str", "prompt:str", "rejected:json", "score_chosen:float64", "score_rejected:int64"])
            let index = try MDSIndex.load(from: output)
            #expect(index.shards.count > 5)
            #expect(index.shards.contains { $0.rawData.bytes > 128 << 10 })
            #expect(manifest.recordCount == records.count)
            let dataset = try MDSDataset(directory: output, verification: .full)
            #expect(dataset.count == records.count)
            #expect(try dataset.record(at: 999) == records[999])
            #expect(try dataset.record(at: 1) == records[1])
            #expect(try Shards.open(output).readAll() == records)
            if compression.isCompressed {
                for file in try Self.storedFiles(output) { #expect(try zstdTest(file), "zstd -t \(file)") }
            }
        }
    }

    @Test func mdsEmitsAnEmptyShardFirstWhenTheFirstSampleExceedsTheLimit() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let big: JSONObject = ["text": .string(String(repeating: "x", count: 5000))]
        let writer = try MDSWriter(directory: scratch.sub("out"), options: ShardWriterOptions(format: .mds, shardSizeLimit: 1000))
        try writer.write(big)
        try writer.write(["text": "small"])
        try writer.finish()
        let index = try MDSIndex.load(from: scratch.sub("out"))
        #expect(index.shards.map(\.samples) == [0, 1, 1])
        #expect(try Shards.open(scratch.sub("out")).readAll() == [big, ["text": "small"]])
    }

    @Test func anMDSShardFarLargerThanTheChunkPoolIsWrittenWithoutHoldingItInMemory() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        // About 24 MiB in one unbounded shard: the writer's 1 MiB chunks are compressed and
        // moved to a scratch file as they fill, so only a handful ever exist.
        let records = Fixtures.records(count: 120, largeEvery: 1, largeSize: 200_000)
        for compression in [Compression.zstd, .none] {
            let output = scratch.sub("out-\(compression)")
            let writer = try MDSWriter(directory: output, options: ShardWriterOptions(
                format: .mds, compression: compression, shardSizeLimit: nil, hashes: [.xxh64, .sha1]))
            for record in records { try writer.write(record) }
            #expect(writer.chunksAllocated <= 6)
            let manifest = try writer.finish()
            #expect(manifest.shards.count == 1 && manifest.shards[0].rawBytes > 20 << 20)
            // Full verification checks the raw hashes (header first) and the stored file's.
            #expect(try Shards.open(output, verification: .full).readAll() == records)
            if compression.isCompressed {
                for file in try Self.storedFiles(output) { #expect(try zstdTest(file), "zstd -t \(file)") }
            }
            // Nothing is left behind by the scratch file.
            #expect(try FileManager.default.contentsOfDirectory(atPath: output).allSatisfy { !$0.hasPrefix(".") })
        }
    }

    @Test(arguments: [ShardFormat.jsonlZst, .mds])
    func eachWriterNamesTheShardHoldingTheRecordJustWritten(format: ShardFormat) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 600, largeEvery: 150, largeSize: 50_000)
        let writer = try Shards.makeWriter(directory: scratch.sub("out"), options: ShardWriterOptions(format: format, shardSizeLimit: 60_000))
        #expect(writer.currentShard == nil)
        var named: [String] = []
        for record in records {
            try writer.write(record)
            named.append(try #require(writer.currentShard))
        }
        let manifest = try writer.finish()
        #expect(writer.currentShard == named.last)
        #expect(manifest.shards.count > 5)
        // The manifest lists each shard's file and record count, in order.
        let listed = manifest.shards.flatMap { shard in Array(repeating: shard.file, count: shard.records) }
        #expect(named == listed)
    }

    @Test func rawLinesAndRecordsWriteTheSameShards() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 200)
        for format in [ShardFormat.jsonlZst, .mds] {
            let fromRecords = try Shards.makeWriter(directory: scratch.sub("\(format)-records"), options: ShardWriterOptions(format: format))
            let fromLines = try Shards.makeWriter(directory: scratch.sub("\(format)-lines"), options: ShardWriterOptions(format: format))
            for record in records {
                try fromRecords.write(record)
                try fromLines.write(jsonLine: record.serialized() + "\n")
            }
            let a = try fromRecords.finish()
            let b = try fromLines.finish()
            #expect(a.shards.map(\.sha256) == b.shards.map(\.sha256))
        }
    }

    @Test func emptyDatasetsWriteAManifestAndReadAsEmpty() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        for format in [ShardFormat.jsonlZst, .mds] {
            let output = scratch.sub("\(format)")
            let writer = try Shards.makeWriter(directory: output, options: ShardWriterOptions(format: format, columns: [MDSColumn(name: "a", encoding: .str)]))
            let manifest = try writer.finish()
            #expect(manifest.recordCount == 0)
            #expect(try Shards.open(output).readAll().isEmpty)
        }
    }

    @Test(arguments: [ShardFormat.jsonlZst, .mds])
    func aWriteFailureSurfacesAsAnErrorNamingTheFileAndNoManifestIsWritten(format: ShardFormat) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.sub("out")
        let writer = try Shards.makeWriter(directory: output, options: ShardWriterOptions(format: format, shardSizeLimit: 20_000, frameSize: 2048))
        for record in Fixtures.records(count: 50) { try writer.write(record) }
        // The directory disappears under the writer (a full or unmounted disk looks the same).
        try FileManager.default.removeItem(atPath: output)
        #expect {
            for record in Fixtures.records(count: 500) { try writer.write(record) }
            try writer.finish()
        } throws: { error in
            guard let error = error as? ShardError, case .io(let path, _, _) = error else { return false }
            return path.hasPrefix(output)
        }
        #expect(!FileManager.default.fileExists(atPath: output + "/manifest.json"))
    }

    @Test func writersRefuseADirectoryThatAlreadyHoldsFiles() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        _ = FileManager.default.createFile(atPath: scratch.sub("keep.txt"), contents: Data("x".utf8))
        #expect(throws: ShardError.outputExists(path: scratch.path)) {
            _ = try Shards.makeWriter(directory: scratch.path, options: ShardWriterOptions(format: .mds))
        }
    }

    @Test func typedColumnsRoundTripEveryEncoding() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let columns = try MDSColumn.parseList("s:str,j:json,b:bytes,i:int,i8:int8,i16:int16,i32:int32,i64:int64,u8:uint8,u16:uint16,u32:uint32,u64:uint64,f32:float32,f64:float64,si:str_int,sf:str_float")
        let record: JSONObject = [
            "s": "é", "j": ["k": [1, nil]], "b": .string(Data([0, 1, 255]).base64EncodedString()),
            "i": -5, "i8": -128, "i16": 32767, "i32": -2147483648, "i64": .int(.max), "u8": 255, "u16": 65535,
            "u32": 4294967295, "u64": 12345, "f32": 0.5, "f64": 1e-300, "si": 42, "sf": 2.5,
        ]
        let writer = try MDSWriter(directory: scratch.sub("out"), options: ShardWriterOptions(format: .mds, columns: columns))
        try writer.write(record)
        try writer.finish()
        #expect(try Shards.open(scratch.sub("out")).readAll() == [record])
    }

    @Test(arguments: [
        (#"{"n": 1.5}"#, "n", "does not fit int64"),
        (#"{"n": "x"}"#, "n", "expected an integer"),
        (#"{"m": 1}"#, "n", "missing"),
        (#"{"n": 1, "extra": 2}"#, "extra", "not one of the MDS columns"),
        (#"{"n": 300, "x": 1}"#, "x", "not one of"),
    ])
    func recordsThatDoNotFitTheSchemaAreRejectedNamingTheField(line: String, field: String, reason: String) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let writer = try MDSWriter(directory: scratch.sub("out"), options: ShardWriterOptions(format: .mds, columns: [MDSColumn(name: "n", encoding: .int64)]))
        #expect {
            try writer.write(jsonLine: line)
        } throws: { error in
            guard case .invalidRecord(_, .record(1), let badField, let message) = error as? ShardError else { return false }
            return badField == field && message.contains(reason)
        }
        // A rejected record leaves the writer usable.
        try writer.write(["n": 7])
        #expect(try writer.finish().recordCount == 1)
    }
}
