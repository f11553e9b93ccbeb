/// The seeded random number generator behind every random choice the diversity metrics make
/// (which documents the homogenization sample takes, which samples a cluster-agent round shows).
///
/// SplitMix64: tiny, fast, and the same sequence on every platform and Swift version, which the
/// standard library's `SystemRandomNumberGenerator` is not. A metric run twice on the same corpus
/// with the same seed picks the same documents and so prints the same figures.
package struct DiversityRandomSource: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    /// A generator for one named stream under a seed (for example round 7 of seed 2), so that
    /// rounds run concurrently still draw exactly what they would draw one after another.
    package init(seed: UInt64, stream: UInt64...) {
        var mixed = seed
        for part in stream {
            var step = DiversityRandomSource(seed: mixed ^ (part &* 0x9E37_79B9_7F4A_7C15))
            mixed = step.next()
        }
        state = mixed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` distinct indices in `0..<population`, in draw order (a partial Fisher–Yates shuffle).
    /// When `count >= population` every index is returned, shuffled.
    package mutating func sample(_ count: Int, from population: Int) -> [Int] {
        var pool = Array(0..<population)
        let take = min(max(count, 0), population)
        for position in 0..<take {
            let pick = position + Int(next() % UInt64(population - position))
            pool.swapAt(position, pick)
        }
        return Array(pool.prefix(take))
    }
}
