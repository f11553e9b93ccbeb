import PrefabShards

/// Assigns a prompt to train or test by a hash of its id alone, so the split is the same in every
/// run and every format, and a prompt's pairs never straddle the two sides.
public struct DatasetSplit: Hashable, Sendable {
    public enum Side: String, Codable, Hashable, Sendable { case train, test }

    /// Fraction of prompts that go to test, in [0, 1).
    public let testRatio: Double

    public init(testRatio: Double) throws(PairingError) {
        guard testRatio >= 0, testRatio < 1 else {
            throw .invalidOption(name: "test ratio", value: String(testRatio), expected: "a number in [0, 1)")
        }
        self.testRatio = testRatio
    }

    public func side(of promptID: String) -> Side {
        guard testRatio > 0 else { return .train }
        var digest = Digest(.sha256)
        digest.update(Array("prefab-split:\(promptID)".utf8))
        let bytes = digest.finalize()
        var value: UInt64 = 0
        for byte in bytes.prefix(8) { value = value << 8 | UInt64(byte) }
        let unit = Double(value >> 11) * 0x1.0p-53
        return unit < testRatio ? .test : .train
    }
}
