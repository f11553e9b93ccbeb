/// XXH32 (xxHash, 32-bit), streaming. MDS shards may list it as `xxh32`.
public struct XXH32: Sendable {
    static let prime1: UInt32 = 0x9E37_79B1
    static let prime2: UInt32 = 0x85EB_CA77
    static let prime3: UInt32 = 0xC2B2_AE3D
    static let prime4: UInt32 = 0x27D4_EB2F
    static let prime5: UInt32 = 0x1656_67B1

    private var acc1, acc2, acc3, acc4: UInt32
    private let seed: UInt32
    private var totalLength: UInt64 = 0
    private var pending = PendingStripe<(UInt64, UInt64)>((0, 0))

    public init(seed: UInt32 = 0) {
        self.seed = seed
        (acc1, acc2, acc3, acc4) = XXHash.initialLanes(seed: seed, prime1: Self.prime1, prime2: Self.prime2)
    }

    @inline(__always)
    static func round(_ acc: UInt32, _ lane: UInt32) -> UInt32 {
        (acc &+ lane &* prime2).rotatedLeft(13) &* prime1
    }

    private mutating func stripe(_ pointer: UnsafeRawPointer) {
        acc1 = Self.round(acc1, pointer.loadUnaligned(as: UInt32.self).littleEndian)
        acc2 = Self.round(acc2, pointer.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian)
        acc3 = Self.round(acc3, pointer.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian)
        acc4 = Self.round(acc4, pointer.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalLength &+= UInt64(remaining)
        if pending.fill(&pointer, &remaining) {
            let full = pending.bytes
            withUnsafeBytes(of: full) { stripe($0.baseAddress!) }
        }
        while remaining >= 16 {
            stripe(pointer)
            pointer += 16
            remaining -= 16
        }
        pending.keep(pointer, remaining)
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        XXHash.withContiguousBytes(bytes) { update($0) }
    }

    public func finalize() -> UInt32 {
        var acc: UInt32
        if totalLength >= 16 {
            acc = XXHash.converge(acc1, acc2, acc3, acc4)
        } else {
            acc = seed &+ Self.prime5
        }
        acc &+= UInt32(truncatingIfNeeded: totalLength)
        let tail = pending.bytes
        let count = pending.count
        withUnsafeBytes(of: tail) { raw in
            var offset = 0
            while count - offset >= 4 {
                acc = (acc &+ raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian &* Self.prime3).rotatedLeft(17) &* Self.prime4
                offset += 4
            }
            while offset < count {
                acc = (acc &+ UInt32(raw[offset]) &* Self.prime5).rotatedLeft(11) &* Self.prime1
                offset += 1
            }
        }
        return XXHash.avalanche(acc, 15, Self.prime2, 13, Self.prime3, 16)
    }

    public static func hash(_ bytes: some Sequence<UInt8>, seed: UInt32 = 0) -> UInt32 {
        var hasher = XXH32(seed: seed)
        hasher.update(bytes)
        return hasher.finalize()
    }
}
