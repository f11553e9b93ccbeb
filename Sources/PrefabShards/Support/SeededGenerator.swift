/// A deterministic random number generator (xoshiro256**) whose state derives from the run seed
/// and a key such as a prompt id.
///
/// Every random choice Prefab makes (which models sample a prompt, which principle, the order a
/// judge sees completions in, which completion is the rejected one) draws from a generator made
/// for that prompt and that purpose. So the same config gives the same choices on any machine, in
/// any order, after any resume: nothing depends on how many draws happened before.
///
/// It lives here, beside the SHA-256 it is keyed with, so every module draws from the same
/// generator; `SplitMix64` is the one for a bare 64-bit seed. Its sequence is part of what a run
/// chooses, so it must never change.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator for `seed`, keyed by `parts` (for example a prompt id and a purpose).
    public init(seed: UInt64, _ parts: String...) {
        self.init(seed: seed, parts: parts)
    }

    public init(seed: UInt64, parts: [String]) {
        let material = ([String(seed)] + parts).joined(separator: "\u{1f}")
        var digest = Digest(.sha256)
        digest.update(Array(material.utf8))
        let bytes = digest.finalize()
        func word(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in bytes[(index * 8)..<(index * 8 + 8)] { value = value << 8 | UInt64(byte) }
            return value
        }
        state = (word(0), word(1), word(2), word(3))
        if state == (0, 0, 0, 0) { state.0 = 0x9E37_79B9_7F4A_7C15 }
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
