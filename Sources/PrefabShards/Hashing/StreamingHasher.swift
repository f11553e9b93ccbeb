/// Hashes a stream of bytes with several algorithms at once, so a shard is read (or written)
/// once whatever the number of hashes its index lists.
final class StreamingHasher {
    private final class DigestState {
        var digest: Digest
        init(_ algorithm: Digest.Algorithm) { digest = Digest(algorithm) }
    }

    let algorithms: [ShardHashAlgorithm]
    private var digests: [DigestState?] = []
    private var xxh32: XXH32?
    private var xxh64: XXH64?
    private var xxh3: XXH3_64?
    private(set) var byteCount = 0

    /// `algorithms` must all be supported (`ShardHashAlgorithm.isSupported`).
    init(_ algorithms: [ShardHashAlgorithm]) {
        self.algorithms = algorithms
        for algorithm in algorithms {
            if let digest = algorithm.digestAlgorithm {
                digests.append(DigestState(digest))
            } else {
                digests.append(nil)
                switch algorithm {
                case .xxh32: xxh32 = XXH32()
                case .xxh64: xxh64 = XXH64()
                case .xxh3_64: xxh3 = XXH3_64()
                default: preconditionFailure("unsupported hash \(algorithm)")
                }
            }
        }
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        byteCount += bytes.count
        for state in digests { state?.digest.update(bytes) }
        xxh32?.update(bytes)
        xxh64?.update(bytes)
        xxh3?.update(bytes)
    }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Lowercase hex digests by algorithm (xxHash values as 8/16 big-endian hex digits, the
    /// `hexdigest()` form).
    func finalize() -> [ShardHashAlgorithm: String] {
        var result: [ShardHashAlgorithm: String] = [:]
        for (algorithm, state) in zip(algorithms, digests) {
            if let state {
                result[algorithm] = Hex.encode(state.digest.finalizeAndReset())
            } else {
                switch algorithm {
                case .xxh32: result[algorithm] = Self.hex(UInt64(xxh32!.finalize()), digits: 8)
                case .xxh64: result[algorithm] = Self.hex(xxh64!.finalize(), digits: 16)
                case .xxh3_64: result[algorithm] = Self.hex(xxh3!.finalize(), digits: 16)
                default: break
                }
            }
        }
        return result
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
