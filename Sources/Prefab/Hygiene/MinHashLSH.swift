import Foundation
import PrefabShards

/// Near-duplicate detection: MinHash signatures over a prompt's n-grams, cut into `bands` bands
/// of `rows` values; two prompts are candidates when any band is identical. A pair with Jaccard
/// similarity s becomes a candidate with probability 1 − (1 − sʳ)ᵇ (Leskovec, Rajaraman and
/// Ullman, *Mining of Massive Datasets*, ch. 3.4), an S-curve that is steepest near (1/b)^(1/r).
///
/// Candidates are taken as duplicates without a second check, as `datasketch.MinHashLSH` does,
/// so the same parameters give the same groups up to hashing (see `docs/hygiene.md`). Only the
/// earlier kept prompts are indexed, one entry per band each; signatures are not kept, so memory
/// is `bands` × 16–32 bytes per kept prompt.
///
/// Hashing differs from datasketch's on purpose, for speed: a shingle is hashed once with XXH64
/// (datasketch 2.0: SHA-1 truncated to 32 bits, then the MurmurHash3 finaliser), and permutation i
/// is the multiply-add-shift h ↦ (aᵢ·h + bᵢ) >> 32 with odd aᵢ, seeded from `SplitMix64(seed)`
/// (datasketch: (aᵢ·h + bᵢ) mod 2³²). Both give 32-bit minima of near min-wise permutations, so
/// the candidate probabilities are the same; individual borderline pairs can land differently.
package struct MinHashLSH {
    package let bands: Int
    package let rows: Int
    private let multipliers: [UInt64]
    private let addends: [UInt64]
    private var tables: [HashSlots]
    private var signature: [UInt32]

    /// `bands` × `rows` of the permutations are used (the rest, when they do not divide evenly,
    /// are not drawn): the banding, not the permutation count, sets the candidate curve.
    package init(bands: Int, rows: Int, seed: UInt64) {
        self.bands = bands
        self.rows = rows
        var generator = SplitMix64(seed: seed)
        let used = bands * rows
        multipliers = (0..<used).map { _ in generator.next() | 1 }
        addends = (0..<used).map { _ in generator.next() }
        tables = Array(repeating: HashSlots(), count: bands)
        signature = Array(repeating: 0, count: used)
    }

    /// The band keys of a set of gram hashes (repeats do not matter: a minimum ignores them).
    package mutating func bandKeys(_ grams: [UInt64]) -> [UInt64] {
        let used = bands * rows
        signature.withUnsafeMutableBufferPointer { signature in
            for index in 0..<used { signature[index] = .max }
            multipliers.withUnsafeBufferPointer { a in
                addends.withUnsafeBufferPointer { b in
                    for gram in grams {
                        for index in 0..<used {
                            let value = UInt32(truncatingIfNeeded: (a[index] &* gram &+ b[index]) >> 32)
                            if value < signature[index] { signature[index] = value }
                        }
                    }
                }
            }
        }
        var keys: [UInt64] = []
        keys.reserveCapacity(bands)
        for band in 0..<bands {
            var hash = SplitMix64.mix(UInt64(band) &+ 0x5851_F42D_4C95_7F2D)
            for row in 0..<rows {
                hash = SplitMix64.mix(hash ^ UInt64(signature[band * rows + row]))
            }
            keys.append(hash)
        }
        return keys
    }

    /// The earliest indexed prompt sharing a band with these keys, if any.
    package func earliestCandidate(_ keys: [UInt64]) -> UInt32? {
        var earliest: UInt32?
        for (band, key) in keys.enumerated() {
            if let found = tables[band].find(key)?.value, earliest.map({ found < $0 }) ?? true { earliest = found }
        }
        return earliest
    }

    /// Indexes a kept prompt under its band keys.
    package mutating func insert(_ keys: [UInt64], ordinal: UInt32) {
        for (band, key) in keys.enumerated() { tables[band].insertIfAbsent(key, value: ordinal) }
    }

    package var bytes: Int { tables.reduce(0) { $0 + $1.bytes } }

    /// The chance that a pair with Jaccard similarity `s` shares a band.
    package static func candidateProbability(_ s: Double, bands: Int, rows: Int) -> Double {
        1 - pow(1 - pow(s, Double(rows)), Double(bands))
    }

    /// The bands and rows for a Jaccard threshold, chosen as `datasketch` chooses them: the pair
    /// (b, r) with b·r ≤ permutations minimising the area under the candidate curve below the
    /// threshold (false positives) plus the area above it left out (false negatives), equally
    /// weighted. The same threshold and permutations thus give both tools the same banding.
    package static func optimalBanding(threshold: Double, permutations: Int) -> (bands: Int, rows: Int) {
        func integrate(_ f: (Double) -> Double, _ a: Double, _ b: Double) -> Double {
            // Simpson's rule, fine enough that the choice matches an adaptive quadrature's.
            let steps = 200
            let h = (b - a) / Double(steps)
            var sum = f(a) + f(b)
            for i in 1..<steps { sum += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
            return sum * h / 3
        }
        var best = (bands: 1, rows: permutations)
        var bestError = Double.infinity
        for b in 1...permutations {
            for r in 1...(permutations / b) {
                let fp = integrate({ candidateProbability($0, bands: b, rows: r) }, 0, threshold)
                let fn = integrate({ 1 - candidateProbability($0, bands: b, rows: r) }, threshold, 1)
                let error = 0.5 * fp + 0.5 * fn
                if error < bestError {
                    bestError = error
                    best = (b, r)
                }
            }
        }
        return best
    }
}
