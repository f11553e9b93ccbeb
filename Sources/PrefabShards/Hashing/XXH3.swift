/// XXH3-64 (xxHash 3, 64-bit output, seed 0, default secret), streaming.
///
/// MosaicML Streaming lists it as `xxh3_64` (the golden multi-shard directory uses it). Written
/// from the published xxHash specification: separate paths for 0–16, 17–128, 129–240 and
/// longer inputs; long inputs are consumed in 1024-byte blocks of 64-byte stripes, so a
/// streaming hasher keeps at most one block plus the 64 bytes before it.
public struct XXH3_64: Sendable {
    static let secret: [UInt8] = [
        0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
        0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
        0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
        0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
        0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
        0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
        0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
        0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
        0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
        0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
        0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
        0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
    ]
    static let secretLength = 192
    static let stripesPerBlock = (secretLength - 64) / 8  // 16
    static let blockSize = 64 * stripesPerBlock  // 1024

    static let prime32_1: UInt64 = 0x9E37_79B1
    static let prime32_2: UInt64 = 0x85EB_CA77
    static let prime32_3: UInt64 = 0xC2B2_AE3D
    static let prime64_1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime64_2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime64_3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime64_4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime64_5: UInt64 = 0x27D4_EB2F_1656_67C5
    static let primeMX1: UInt64 = 0x1656_6791_9E37_79F9
    static let primeMX2: UInt64 = 0x9FB2_1C65_1E98_DF25

    private var accumulators: [UInt64] = [
        prime32_3, prime64_1, prime64_2, prime64_3, prime64_4, prime32_2, prime64_5, prime32_1,
    ]
    /// Input not yet consumed as a block: 0...1024 bytes (a block is consumed only once more
    /// input follows it, because the last block is finished differently).
    private var pending: [UInt8] = []
    /// The 64 bytes that preceded `pending`, for a last stripe that reaches back into them.
    private var previousTail: [UInt8] = []
    private var totalLength: UInt64 = 0

    public init() {
        pending.reserveCapacity(Self.blockSize)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalLength &+= UInt64(remaining)
        if pending.count + remaining <= Self.blockSize {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: remaining))
            return
        }
        // Complete and consume the pending block: more input follows it.
        let take = Self.blockSize - pending.count
        pending.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: take))
        pointer += take
        remaining -= take
        pending.withUnsafeBytes { consumeBlock($0.baseAddress!) }
        previousTail = Array(pending[(Self.blockSize - 64)...])
        pending.removeAll(keepingCapacity: true)
        while remaining > Self.blockSize {
            consumeBlock(pointer)
            previousTail = Array(UnsafeRawBufferPointer(start: pointer + (Self.blockSize - 64), count: 64))
            pointer += Self.blockSize
            remaining -= Self.blockSize
        }
        pending.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: remaining))
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        XXHash.withContiguousBytes(bytes) { update($0) }
    }

    public func finalize() -> UInt64 {
        if totalLength <= 240 {
            return pending.withUnsafeBytes { Self.hashShort($0) }
        }
        var acc = accumulators
        let length = pending.count
        return Self.secret.withUnsafeBytes { secret in
            pending.withUnsafeBytes { block in
                let fullStripes = (length - 1) / 64
                for stripe in 0..<fullStripes {
                    Self.accumulate(&acc, block.baseAddress! + stripe * 64, secret.baseAddress! + stripe * 8)
                }
                var lastStripe = [UInt8](repeating: 0, count: 64)
                if length >= 64 {
                    lastStripe = Array(block[(length - 64)...])
                } else {
                    lastStripe = Array(previousTail[length...]) + Array(block)
                }
                lastStripe.withUnsafeBytes {
                    Self.accumulate(&acc, $0.baseAddress!, secret.baseAddress! + (Self.secretLength - 71))
                }
                return Self.finalMerge(acc, totalLength &* Self.prime64_1, secret.baseAddress! + 11)
            }
        }
    }

    /// One-shot digest.
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hasher = XXH3_64()
        hasher.update(bytes)
        return hasher.finalize()
    }

    // MARK: long inputs

    private mutating func consumeBlock(_ block: UnsafeRawPointer) {
        Self.secret.withUnsafeBytes { secret in
            let s = secret.baseAddress!
            for stripe in 0..<Self.stripesPerBlock {
                Self.accumulate(&accumulators, block + stripe * 64, s + stripe * 8)
            }
            // Scramble with the last 64 bytes of the secret.
            for lane in 0..<8 {
                var a = accumulators[lane]
                a ^= a >> 47
                a ^= Self.read64(s + (Self.secretLength - 64) + lane * 8)
                a &*= Self.prime32_1
                accumulators[lane] = a
            }
        }
    }

    @inline(__always)
    private static func accumulate(_ acc: inout [UInt64], _ stripe: UnsafeRawPointer, _ secret: UnsafeRawPointer) {
        for lane in 0..<8 {
            let data = read64(stripe + lane * 8)
            let key = data ^ read64(secret + lane * 8)
            acc[lane ^ 1] &+= data
            acc[lane] &+= (key & 0xFFFF_FFFF) &* (key >> 32)
        }
    }

    private static func finalMerge(_ acc: [UInt64], _ initial: UInt64, _ secret: UnsafeRawPointer) -> UInt64 {
        var result = initial
        for pair in 0..<4 {
            result &+= mix128(acc[pair * 2] ^ read64(secret + pair * 16), acc[pair * 2 + 1] ^ read64(secret + pair * 16 + 8))
        }
        return avalanche(result)
    }

    // MARK: short and medium inputs

    private static func hashShort(_ input: UnsafeRawBufferPointer) -> UInt64 {
        secret.withUnsafeBytes { secretBuffer in
            let s = secretBuffer.baseAddress!
            let length = input.count
            let p = input.baseAddress ?? UnsafeRawPointer(s)  // empty input never reads
            switch length {
            case 0:
                return XXH64.avalanche(read64(s + 56) ^ read64(s + 64))
            case 1...3:
                let combined = UInt32(input[length - 1]) | UInt32(length) << 8 | UInt32(input[0]) << 16 | UInt32(input[length >> 1]) << 24
                let value = UInt64(read32(s) ^ read32(s + 4)) ^ UInt64(combined)
                return XXH64.avalanche(value)
            case 4...8:
                let first = UInt64(read32(p))
                let last = UInt64(read32(p + length - 4))
                let combined = last | first << 32
                var value = (read64(s + 8) ^ read64(s + 16)) ^ combined
                value ^= value.rotatedLeft(49) ^ value.rotatedLeft(24)
                value &*= primeMX2
                value ^= (value >> 35) &+ UInt64(length)
                value &*= primeMX2
                value ^= value >> 28
                return value
            case 9...16:
                let low = (read64(s + 24) ^ read64(s + 32)) ^ read64(p)
                let high = (read64(s + 40) ^ read64(s + 48)) ^ read64(p + length - 8)
                let value = UInt64(length) &+ low.byteSwapped &+ high &+ mix128(low, high)
                return avalanche(value)
            case 17...128:
                var acc = UInt64(length) &* prime64_1
                let rounds = ((length - 1) >> 5) + 1
                for i in stride(from: rounds - 1, through: 0, by: -1) {
                    acc &+= mixStep(p + i * 16, s + i * 32)
                    acc &+= mixStep(p + length - i * 16 - 16, s + i * 32 + 16)
                }
                return avalanche(acc)
            default:  // 129...240
                var acc = UInt64(length) &* prime64_1
                let chunks = length >> 4
                for i in 0..<8 { acc &+= mixStep(p + i * 16, s + i * 16) }
                acc = avalanche(acc)
                for i in 8..<chunks { acc &+= mixStep(p + i * 16, s + (i - 8) * 16 + 3) }
                acc &+= mixStep(p + length - 16, s + 119)
                return avalanche(acc)
            }
        }
    }

    @inline(__always)
    private static func mixStep(_ data: UnsafeRawPointer, _ secret: UnsafeRawPointer) -> UInt64 {
        mix128(read64(data) ^ read64(secret), read64(data + 8) ^ read64(secret + 8))
    }

    @inline(__always)
    private static func mix128(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.low ^ product.high
    }

    @inline(__always)
    private static func avalanche(_ x: UInt64) -> UInt64 {
        var x = x
        x ^= x >> 37
        x &*= primeMX1
        x ^= x >> 32
        return x
    }

    @inline(__always)
    private static func read64(_ p: UnsafeRawPointer) -> UInt64 { p.loadUnaligned(as: UInt64.self).littleEndian }
    @inline(__always)
    private static func read32(_ p: UnsafeRawPointer) -> UInt32 { p.loadUnaligned(as: UInt32.self).littleEndian }
}
