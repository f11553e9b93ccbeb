/// A hash algorithm under the name MosaicML Streaming gives it in `index.json` (`hashes`,
/// `raw_data.hashes`, `zip_data.hashes`).
///
/// Cryptographic ones go through libcrypto (`Digest`); the xxHash family is Prefab's own.
/// `xxh128` and `xxh3_128` are recognised by the reader (so an index naming them still opens)
/// but cannot be computed.
public enum ShardHashAlgorithm: String, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case blake2b, blake2s, md5, sha1, sha224, sha256, sha384, sha512
    case sha3_224, sha3_256, sha3_384, sha3_512
    case xxh128, xxh32, xxh3_128, xxh3_64, xxh64

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether Prefab can compute it.
    public var isSupported: Bool { self != .xxh128 && self != .xxh3_128 }

    /// Relative cost, to pick the cheapest available hash when verifying (lower is faster).
    var cost: Int {
        switch self {
        case .xxh3_64, .xxh64: 0
        case .xxh32: 1
        case .sha1, .md5: 2
        case .sha256, .sha224, .blake2s, .blake2b: 3
        default: 4
        }
    }

    var digestAlgorithm: Digest.Algorithm? {
        switch self {
        case .md5: .md5
        case .sha1: .sha1
        case .sha224: .sha224
        case .sha256: .sha256
        case .sha384: .sha384
        case .sha512: .sha512
        case .sha3_224: .sha3_224
        case .sha3_256: .sha3_256
        case .sha3_384: .sha3_384
        case .sha3_512: .sha3_512
        case .blake2b: .blake2b
        case .blake2s: .blake2s
        default: nil
        }
    }

    /// Parses a name; throws a message listing the known names.
    public static func parse(_ name: String) throws(ShardError) -> ShardHashAlgorithm {
        guard let algorithm = ShardHashAlgorithm(rawValue: name) else {
            throw .invalidArgument("unknown hash '\(name)' (known: \(allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", ")))")
        }
        guard algorithm.isSupported else { throw .invalidArgument("hash '\(name)' is not supported by Prefab") }
        return algorithm
    }
}
