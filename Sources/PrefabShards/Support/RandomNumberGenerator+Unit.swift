extension RandomNumberGenerator {
    /// A uniform double in [0, 1) from the top 53 bits of one draw.
    ///
    /// Spelled out rather than `Double.random(in:using:)`, whose way of turning draws into
    /// doubles the standard library does not promise to keep: a seeded stream must give the same
    /// numbers on every Swift version, or a config would stop reproducing its run.
    @inlinable
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
