import CZstd
import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

/// An MDS shard's header is known only after its samples are compressed, so it goes in front
/// of them as raw blocks of the same frame. The result must be one ordinary zstd frame that
/// declares its content size and checksum, whatever the sizes and window.
@Suite struct ZstdPrefixedFrameTests {
    /// Compressible bytes with some structure (repeats at varying distances) and some noise.
    static func body(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        let words = ["alpha ", "beta ", "gamma ", "\u{1F600} ", "{\"k\": 1}, "]
        while bytes.count < count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if state >> 60 == 0 {
                bytes.append(UInt8(truncatingIfNeeded: state >> 32))
            } else {
                bytes.append(contentsOf: words[Int(state >> 33) % words.count].utf8)
            }
        }
        return Array(bytes.prefix(count))
    }

    static func frame(prefix: [UInt8], body: [UInt8], level: Int, sizeHint: Int?, pieces: Int, spillDirectory: String? = nil, spilled: ((Int) -> Void)? = nil) throws -> [UInt8] {
        let frame = ZstdPrefixedFrame(level: level, sizeHint: sizeHint, spillDirectory: spillDirectory)
        let step = max(1, body.count / pieces)
        var start = 0
        while start < body.count {
            let end = min(body.count, start + step)
            try body[start..<end].withUnsafeBytes { try frame.append($0) }
            start = end
        }
        var content = XXH64()
        prefix.withUnsafeBytes { content.update($0) }
        body.withUnsafeBytes { content.update($0) }
        var output: [UInt8] = []
        try prefix.withUnsafeBytes { raw in
            do {
                try frame.finish(prefix: raw, contentSize: prefix.count + body.count, contentHash: content.finalize()) { (piece: UnsafeRawBufferPointer) throws(ShardError) in
                    output.append(contentsOf: piece)
                }
            } catch {
                throw ShardError.invalidArgument("\(error)")
            }
        }
        spilled?(frame.lastSpill)
        return output
    }

    @Test(arguments: [
        (prefix: 8, body: 0, level: 3, hint: Optional(1 << 26)),
        (prefix: 300_000, body: 1_000_000, level: 3, hint: Optional(1 << 26)),  // prefix over several 128 KiB blocks
        (prefix: 5_000, body: 40_000, level: 1, hint: Optional(1_000)),  // small window: blocks of a few KiB
        (prefix: 131_072, body: 262_144, level: 7, hint: nil),
        (prefix: 100, body: 600_000, level: 19, hint: Optional(1 << 20)),
    ])
    func prefixedFramesDecodeToPrefixThenBodyAndDeclareTheirSize(prefix prefixSize: Int, body bodySize: Int, level: Int, hint: Int?) throws {
        let prefix = Self.body(prefixSize, seed: 7)
        let body = Self.body(bodySize, seed: 11)
        let frame = try Self.frame(prefix: prefix, body: body, level: level, sizeHint: hint, pieces: 7)
        let declared = frame.withUnsafeBytes { ZstdDecompressor.declaredContentSize($0) }
        #expect(declared == UInt64(prefix.count + body.count))
        // One-shot decompression into exactly the declared size (as MosaicML's reader does).
        var decoded = [UInt8](repeating: 0, count: prefix.count + body.count + 1)
        let result = decoded.withUnsafeMutableBytes { out in
            frame.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
        }
        #expect(ZSTD_isError(result) == 0, "\(String(cString: ZSTD_getErrorName(result)))")
        #expect(Array(decoded.prefix(result)) == prefix + body)
        #expect(frame.withUnsafeBytes { ZSTD_findFrameCompressedSize($0.baseAddress, $0.count) } == frame.count, "exactly one frame")
        // The zstd CLI accepts it and checks its checksum.
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.sub("frame.zst")
        try Data(frame).write(to: URL(fileURLWithPath: path))
        #expect(try zstdTest(path))
        // A flipped byte in the raw prefix is caught by the frame checksum.
        var damaged = frame
        damaged[20] ^= 0x01
        let damagedResult = decoded.withUnsafeMutableBytes { out in
            damaged.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
        }
        #expect(ZSTD_isError(damagedResult) != 0)
    }

    @Test func aBodyThatHardlyCompressesSpillsToAnUnlinkedFileAndStillDecodes() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.sub("spill"), withIntermediateDirectories: true)
        var generator = SplitMix64(seed: TestSeed.value)
        let words = (ZstdPrefixedFrame.spillThreshold + (3 << 20)) / 8
        let body = [UInt8](unsafeUninitializedCapacity: words * 8) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for word in 0..<words { raw.storeBytes(of: generator.next(), toByteOffset: word * 8, as: UInt64.self) }
            count = words * 8
        }
        let prefix = Self.body(70_000, seed: 3)
        var spilled = 0
        let frame = try Self.frame(prefix: prefix, body: body, level: 3, sizeHint: 1 << 26, pieces: 40, spillDirectory: scratch.sub("spill")) { spilled = $0 }
        #expect(spilled >= ZstdPrefixedFrame.spillThreshold - 6)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.sub("spill")).isEmpty, "the spill file leaves no name behind")
        var decoded = [UInt8](repeating: 0, count: prefix.count + body.count)
        let result = decoded.withUnsafeMutableBytes { out in
            frame.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
        }
        #expect(ZSTD_isError(result) == 0, "\(String(cString: ZSTD_getErrorName(result)))")
        let same = decoded.withUnsafeBytes { out in
            prefix.withUnsafeBytes { memcmp(out.baseAddress!, $0.baseAddress!, prefix.count) == 0 }
                && body.withUnsafeBytes { memcmp(out.baseAddress! + prefix.count, $0.baseAddress!, body.count) == 0 }
        }
        #expect(same)
    }

    @Test func oneCompressorMakesFrameAfterFrame() throws {
        let frame = ZstdPrefixedFrame(level: 3, sizeHint: nil)
        for round in 0..<3 {
            let prefix = Self.body(1000 + round, seed: UInt64(round))
            let body = Self.body(200_000 * round, seed: UInt64(round) + 100)
            try body.withUnsafeBytes { try frame.append($0) }
            var content = XXH64()
            prefix.withUnsafeBytes { content.update($0) }
            body.withUnsafeBytes { content.update($0) }
            var output: [UInt8] = []
            try prefix.withUnsafeBytes { raw in
                do {
                    try frame.finish(prefix: raw, contentSize: prefix.count + body.count, contentHash: content.finalize()) { (piece: UnsafeRawBufferPointer) throws(ShardError) in
                        output.append(contentsOf: piece)
                    }
                } catch {
                    throw ShardError.invalidArgument("\(error)")
                }
            }
            var decoded = [UInt8](repeating: 0, count: prefix.count + body.count)
            let result = decoded.withUnsafeMutableBytes { out in
                output.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
            }
            #expect(ZSTD_isError(result) == 0)
            #expect(decoded == prefix + body)
        }
    }

    @Test func mdsShardsWithOffsetTablesOverABlockReadBackAndPassZstd() throws {
        // 40,000 tiny samples: a 160 KB offset table, more than one raw block.
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let writer = try MDSWriter(directory: scratch.sub("out"), options: ShardWriterOptions(format: .mds, columns: [MDSColumn(name: "n", encoding: .int64)], hashes: [.xxh64, .sha1]))
        for index in 0..<40_000 { try writer.write(["n": .int(Int64(index))]) }
        let manifest = try writer.finish()
        #expect(manifest.shards.count == 1)
        #expect(try zstdTest(scratch.sub("out/" + manifest.shards[0].file)))
        for verification in [Verification.minimal, .standard, .full] {
            let cursor = try Shards.open(scratch.sub("out"), verification: verification).cursor()
            var expected: Int64 = 0
            while let record = try cursor.next() {
                #expect(record["n"] == .int(expected))
                expected += 1
            }
            #expect(expected == 40_000)
        }
    }
}
