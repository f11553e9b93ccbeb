/// XXH64 (xxHash, 64-bit), streaming.
///
/// MDS shards list it as `xxh64`, and the zstd seekable format's per-frame checksum is its low
/// 32 bits. Written from the published xxHash specification; checked against the `xxhash`
/// Python package's vectors in the tests.
public struct XXH64: Sendable {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var acc1, acc2, acc3, acc4: UInt64
    private let seed: UInt64
    private var totalLength: UInt64 = 0
    /// Up to 31 bytes not yet forming a whole 32-byte stripe.
    private var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var buffered = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        acc1 = seed &+ Self.prime1 &+ Self.prime2
        acc2 = seed &+ Self.prime2
        acc3 = seed
        acc4 = seed &- Self.prime1
    }

    @inline(__always)
    static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc &+ lane &* prime2).rotatedLeft(31) &* prime1
    }

    @inline(__always)
    static func merge(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc ^ round(0, lane)) &* prime1 &+ prime4
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalLength &+= UInt64(remaining)
        if buffered > 0 {
            let take = min(32 - buffered, remaining)
            withUnsafeMutableBytes(of: &buffer) { $0.baseAddress!.advanced(by: buffered).copyMemory(from: pointer, byteCount: take) }
            buffered += take
            pointer += take
            remaining -= take
            if buffered < 32 { return }
            let stripe = buffer
            acc1 = Self.round(acc1, UInt64(littleEndian: stripe.0))
            acc2 = Self.round(acc2, UInt64(littleEndian: stripe.1))
            acc3 = Self.round(acc3, UInt64(littleEndian: stripe.2))
            acc4 = Self.round(acc4, UInt64(littleEndian: stripe.3))
            buffered = 0
        }
        if remaining >= 32 {
            var a1 = acc1, a2 = acc2, a3 = acc3, a4 = acc4
            while remaining >= 32 {
                a1 = Self.round(a1, pointer.loadUnaligned(as: UInt64.self).littleEndian)
                a2 = Self.round(a2, pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian)
                a3 = Self.round(a3, pointer.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian)
                a4 = Self.round(a4, pointer.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian)
                pointer += 32
                remaining -= 32
            }
            acc1 = a1; acc2 = a2; acc3 = a3; acc4 = a4
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &buffer) { $0.baseAddress!.copyMemory(from: pointer, byteCount: remaining) }
            buffered = remaining
        }
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) != nil { return }
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    public func finalize() -> UInt64 {
        var acc: UInt64
        if totalLength >= 32 {
            acc = acc1.rotatedLeft(1) &+ acc2.rotatedLeft(7) &+ acc3.rotatedLeft(12) &+ acc4.rotatedLeft(18)
            acc = Self.merge(acc, acc1)
            acc = Self.merge(acc, acc2)
            acc = Self.merge(acc, acc3)
            acc = Self.merge(acc, acc4)
        } else {
            acc = seed &+ Self.prime5
        }
        acc &+= totalLength
        var tail = buffer
        let count = buffered
        withUnsafeBytes(of: &tail) { raw in
            var offset = 0
            while count - offset >= 8 {
                let lane = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
                acc = (acc ^ Self.round(0, lane)).rotatedLeft(27) &* Self.prime1 &+ Self.prime4
                offset += 8
            }
            if count - offset >= 4 {
                let lane = UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
                acc = (acc ^ (lane &* Self.prime1)).rotatedLeft(23) &* Self.prime2 &+ Self.prime3
                offset += 4
            }
            while offset < count {
                let lane = UInt64(raw[offset])
                acc = (acc ^ (lane &* Self.prime5)).rotatedLeft(11) &* Self.prime1
                offset += 1
            }
        }
        acc ^= acc >> 33
        acc &*= Self.prime2
        acc ^= acc >> 29
        acc &*= Self.prime3
        acc ^= acc >> 32
        return acc
    }

    /// One-shot digest.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXH64(seed: seed)
        hasher.update(bytes)
        return hasher.finalize()
    }

    public static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXH64(seed: seed)
        hasher.update(bytes)
        return hasher.finalize()
    }
}

extension FixedWidthInteger {
    @inline(__always)
    func rotatedLeft(_ count: Int) -> Self {
        (self << count) | (self >> (Self.bitWidth - count))
    }
}
