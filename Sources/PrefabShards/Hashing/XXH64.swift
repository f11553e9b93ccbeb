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
    private var pending = PendingStripe<(UInt64, UInt64, UInt64, UInt64)>((0, 0, 0, 0))

    public init(seed: UInt64 = 0) {
        self.seed = seed
        (acc1, acc2, acc3, acc4) = XXHash.initialLanes(seed: seed, prime1: Self.prime1, prime2: Self.prime2)
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
        if pending.fill(&pointer, &remaining) {
            let stripe = pending.bytes
            acc1 = Self.round(acc1, UInt64(littleEndian: stripe.0))
            acc2 = Self.round(acc2, UInt64(littleEndian: stripe.1))
            acc3 = Self.round(acc3, UInt64(littleEndian: stripe.2))
            acc4 = Self.round(acc4, UInt64(littleEndian: stripe.3))
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
        pending.keep(pointer, remaining)
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        XXHash.withContiguousBytes(bytes) { update($0) }
    }

    public func finalize() -> UInt64 {
        var acc: UInt64
        if totalLength >= 32 {
            acc = XXHash.converge(acc1, acc2, acc3, acc4)
            acc = Self.merge(acc, acc1)
            acc = Self.merge(acc, acc2)
            acc = Self.merge(acc, acc3)
            acc = Self.merge(acc, acc4)
        } else {
            acc = seed &+ Self.prime5
        }
        acc &+= totalLength
        let tail = pending.bytes
        let count = pending.count
        withUnsafeBytes(of: tail) { raw in
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
        return Self.avalanche(acc)
    }

    /// XXH64's final avalanche (XXH3 ends its shortest inputs with it too).
    @inline(__always)
    static func avalanche(_ value: UInt64) -> UInt64 {
        XXHash.avalanche(value, 33, prime2, 29, prime3, 32)
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
