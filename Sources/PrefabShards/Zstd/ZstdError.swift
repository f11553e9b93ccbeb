import CZstd

/// An error code from libzstd, with its name (`Data corruption detected`, `Restored data
/// doesn't match checksum`...). Readers turn it into a `ShardError` naming the file.
struct ZstdError: Error, CustomStringConvertible {
    let code: Int
    let name: String

    init(code: Int) {
        self.code = code
        name = String(cString: ZSTD_getErrorName(code))
    }

    var isChecksumMismatch: Bool { ZSTD_getErrorCode(code) == ZSTD_error_checksum_wrong }

    var description: String { "zstd: \(name)" }
}
