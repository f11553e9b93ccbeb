import CCrypto
import Foundation

/// Cryptographic digests through OpenSSL's libcrypto (hardware SHA where the CPU has it).
///
/// Used for shard hashes (manifest SHA-256, MDS `sha1`/`md5`/...), prompt ids and the response
/// cache key. Streaming, so a shard never has to be held in memory to be hashed.
public struct Digest: ~Copyable {
    /// The algorithms libcrypto provides under the names MosaicML Streaming uses.
    public enum Algorithm: String, CaseIterable, Sendable {
        case md5, sha1, sha224, sha256, sha384, sha512
        case sha3_224, sha3_256, sha3_384, sha3_512
        case blake2b, blake2s

        fileprivate var evp: OpaquePointer? {
            switch self {
            case .md5: EVP_md5()
            case .sha1: EVP_sha1()
            case .sha224: EVP_sha224()
            case .sha256: EVP_sha256()
            case .sha384: EVP_sha384()
            case .sha512: EVP_sha512()
            case .sha3_224: EVP_sha3_224()
            case .sha3_256: EVP_sha3_256()
            case .sha3_384: EVP_sha3_384()
            case .sha3_512: EVP_sha3_512()
            case .blake2b: EVP_blake2b512()
            case .blake2s: EVP_blake2s256()
            }
        }
    }

    private let context: OpaquePointer
    public let algorithm: Algorithm

    public init(_ algorithm: Algorithm) {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm.evp, nil) == 1 else {
            fatalError("libcrypto could not initialise \(algorithm.rawValue)")
        }
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    public mutating func update(_ data: some DataProtocol) {
        for region in data.regions {
            region.withUnsafeBytes { update($0) }
        }
    }

    /// Finishes the digest and returns its bytes. The digest cannot be updated afterwards.
    public consuming func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        output.withUnsafeMutableBufferPointer { buffer in
            _ = EVP_DigestFinal_ex(context, buffer.baseAddress, &length)
        }
        return Array(output.prefix(Int(length)))
    }

    /// Finishes the digest, returns its bytes, and starts over for new input: for holders that
    /// cannot give up the value (a class property).
    public mutating func finalizeAndReset() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        output.withUnsafeMutableBufferPointer { buffer in
            _ = EVP_DigestFinal_ex(context, buffer.baseAddress, &length)
        }
        EVP_DigestInit_ex(context, algorithm.evp, nil)
        return Array(output.prefix(Int(length)))
    }

    /// Lowercase hex of `finalize()`.
    public consuming func finalizeHex() -> String {
        Hex.encode(finalize())
    }

    /// One-shot lowercase hex digest.
    public static func hex(_ algorithm: Algorithm, of data: some DataProtocol) -> String {
        var digest = Digest(algorithm)
        digest.update(data)
        return digest.finalizeHex()
    }

    /// One-shot lowercase hex SHA-256, the hash Prefab uses for ids, manifests and cache keys.
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        hex(.sha256, of: data)
    }

    /// SHA-256 of a string's UTF-8 bytes.
    public static func sha256Hex(_ string: String) -> String {
        hex(.sha256, of: Array(string.utf8))
    }
}
