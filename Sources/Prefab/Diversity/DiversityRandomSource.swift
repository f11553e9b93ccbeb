import PrefabShards

/// The seeded random number generator behind every random choice the diversity metrics make
/// (which documents the homogenization sample takes, which samples a cluster-agent round shows).
///
/// PrefabShards' `SplitMix64`: the same sequence on every platform and Swift version, which the
/// standard library's `SystemRandomNumberGenerator` is not. A metric run twice on the same corpus
/// with the same seed picks the same documents and so prints the same figures. This type adds
/// named streams and sampling without replacement.
package struct DiversityRandomSource: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    package init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// A generator for one named stream under a seed (for example round 7 of seed 2), so that
    /// rounds run concurrently still draw exactly what they would draw one after another.
    package init(seed: UInt64, stream: UInt64...) {
        var mixed = seed
        for part in stream {
            var step = DiversityRandomSource(seed: mixed ^ (part &* 0x9E37_79B9_7F4A_7C15))
            mixed = step.next()
        }
        generator = SplitMix64(seed: mixed)
    }

    package mutating func next() -> UInt64 { generator.next() }

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
