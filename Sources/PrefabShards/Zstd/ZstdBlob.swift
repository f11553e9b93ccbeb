import CZstd

/// Small buffers compressed as one zstd frame each (content size and checksum in the header),
/// for stores that keep records outside shards, such as the run journal. Shards use the
/// streaming writers instead.
///
/// Keep one and reuse it: a compression context costs more to make than a small frame does to
/// compress, and making one per record churns large allocations. Use from one thread at a time.
public final class ZstdBlob {
    private let compressor: ZstdCompressor

    public init(level: Int = 3) {
        compressor = ZstdCompressor(level: level)
    }

    /// `bytes` as one frame.
    public func compress(_ bytes: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        // A context with a bound-sized output cannot fail; an empty result fails `decompress`.
        _ = bytes.withUnsafeBytes { source in try? compressor.compressFrame(source, appendingTo: &frame) }
        return frame
    }

    /// The bytes of a frame written by `compress`; nil when the frame is damaged or declares
    /// no content size.
    public static func decompress(_ frame: [UInt8]) -> [UInt8]? {
        frame.withUnsafeBytes { source -> [UInt8]? in
            let declared = ZSTD_getFrameContentSize(source.baseAddress, source.count)
            guard declared != ZSTD_CONTENTSIZE_UNKNOWN, declared != ZSTD_CONTENTSIZE_ERROR, declared < UInt64(Int32.max) else {
                return nil
            }
            var output = [UInt8](repeating: 0, count: Int(declared))
            let size = output.withUnsafeMutableBytes { out in
                ZSTD_decompress(out.baseAddress, out.count, source.baseAddress, source.count)
            }
            guard ZSTD_isError(size) == 0, size == Int(declared) else { return nil }
            return output
        }
    }
}
