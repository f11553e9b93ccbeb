import Foundation

/// SplitMix64: a tiny, fast generator whose output depends only on its seed.
///
/// Swift's `SystemRandomNumberGenerator` and `Hasher` are seeded per process, so they cannot make
/// answers that are the same on every machine and every run. Everything random in the simulator
/// (answer text, schema values, latency, injected faults) comes from this generator instead.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (Box–Muller).
    mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-53)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// The SplitMix64 finaliser: a bijective scramble of 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
        SeededGenerator.mix(state)
    }
}
