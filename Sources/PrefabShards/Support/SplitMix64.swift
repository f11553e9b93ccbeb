/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose output depends only on
/// its seed.
///
/// Swift's `SystemRandomNumberGenerator` and `Hasher` are seeded per process, so they cannot give
/// the same numbers on every machine and every run. Where one 64-bit seed is all there is (the
/// simulator's answers, latencies and faults; the benchmarks' synthetic records; randomized tests
/// that must reproduce a failure), this is the generator. `SeededGenerator` is the one for
/// choices keyed by a run seed and names.
///
/// Its sequence is part of what the simulator answers, so it must never change.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    @inlinable
    public init(seed: UInt64) {
        state = seed
    }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective scramble of 64 bits, also good for turning a hash or
    /// a counter into a well-spread seed.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
