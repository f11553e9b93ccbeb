import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

@Suite struct XXHashTests {
    struct Vector {
        let length: Int
        let xxh32: String
        let xxh64: String
        let xxh3: String
    }

    static let input: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: (UInt64($0) &* 2_654_435_761) >> 13) }

    static func vectors() throws -> [Vector] {
        try Fixtures.jsonLines("xxhash_vectors.jsonl").map {
            Vector(length: Int($0["length"]!.intValue!), xxh32: $0["xxh32"]!.stringValue!, xxh64: $0["xxh64"]!.stringValue!, xxh3: $0["xxh3_64"]!.stringValue!)
        }
    }

    @Test func oneShotDigestsMatchThePythonXxhashPackage() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count > 250)
        for vector in vectors {
            let bytes = Array(Self.input.prefix(vector.length))
            #expect(StreamingHasher.hex(UInt64(XXH32.hash(bytes)), digits: 8) == vector.xxh32, "xxh32 length \(vector.length)")
            #expect(StreamingHasher.hex(XXH64.hash(bytes), digits: 16) == vector.xxh64, "xxh64 length \(vector.length)")
            #expect(StreamingHasher.hex(XXH3_64.hash(bytes), digits: 16) == vector.xxh3, "xxh3_64 length \(vector.length)")
        }
    }

    @Test func streamingInUnevenPiecesGivesTheOneShotDigest() throws {
        var generator = SplitMix64(seed: TestSeed.value)
        for vector in try Self.vectors() where vector.length > 200 {
            let bytes = Array(Self.input.prefix(vector.length))
            let hasher = StreamingHasher([.xxh32, .xxh64, .xxh3_64, .sha1])
            var offset = 0
            while offset < bytes.count {
                let piece = min(bytes.count - offset, Int.random(in: 1...1500, using: &generator))
                bytes[offset..<(offset + piece)].withUnsafeBytes { hasher.update($0) }
                offset += piece
            }
            let digests = hasher.finalize()
            #expect(digests[.xxh32] == vector.xxh32)
            #expect(digests[.xxh64] == vector.xxh64)
            #expect(digests[.xxh3_64] == vector.xxh3, "xxh3_64 streamed, length \(vector.length)")
            #expect(digests[.sha1] == Digest.hex(.sha1, of: bytes))
        }
    }

    @Test func knownSpecificationValues() {
        // Published reference values for the empty input.
        #expect(XXH64.hash([UInt8]()) == 0xEF46_DB37_51D8_E999)
        #expect(XXH32.hash([UInt8]()) == 0x02CC_5D05)
        #expect(XXH3_64.hash([UInt8]()) == 0x2D06_8005_38D3_94C2)
    }
}
