import PrefabShards

/// A stable 64-bit hash (FNV-1a, then scrambled) for seeding generators from request content.
///
/// Not cryptographic: it only has to spread similar inputs apart and be the same everywhere.
struct StableHasher {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    init() {}

    init(seed: UInt64) {
        combine(seed)
    }

    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var h = state
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        state = h
    }

    mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
        // A separator so ("ab","c") and ("a","bc") differ.
        combine(UInt64(text.utf8.count))
    }

    mutating func combine(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { combine($0) }
    }

    mutating func combine(_ value: Int) {
        combine(UInt64(bitPattern: Int64(value)))
    }

    mutating func combine(_ value: Double) {
        combine(value.bitPattern)
    }

    func finalize() -> UInt64 {
        SplitMix64.mix(state)
    }
}
