import PrefabShards

/// HMAC-SHA-256 (RFC 2104) over the libcrypto SHA-256 the project already links, so signing
/// needs no crypto package: SigV4 uses nothing else.
enum HMACSHA256 {
    private static let blockSize = 64

    static func authenticate(_ message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var block = key.count > blockSize ? sha256(key) : Array(key)
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        var inner = Digest(.sha256)
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(Array(message))
        let innerHash = inner.finalize()
        var outer = Digest(.sha256)
        outer.update(block.map { $0 ^ 0x5C })
        outer.update(innerHash)
        return outer.finalize()
    }

    static func authenticate(_ message: String, key: some Collection<UInt8>) -> [UInt8] {
        authenticate(Array(message.utf8), key: key)
    }

    static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = Digest(.sha256)
        digest.update(Array(bytes))
        return digest.finalize()
    }
}
