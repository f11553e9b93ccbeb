import CZstd

/// One small buffer compressed as one zstd frame (content size and checksum in the header),
/// for stores that keep records outside shards, such as the run journal. Shards use the
/// streaming writers instead.
public enum ZstdBlob {
    /// `bytes` as one frame at `level`.
    public static func compress(_ bytes: [UInt8], level: Int = 3) -> [UInt8] {
        var frame: [UInt8] = []
        // A context with a bound-sized output cannot fail; an empty frame would fail `decompress`.
        _ = bytes.withUnsafeBytes { source in try? ZstdCompressor(level: level).compressFrame(source, appendingTo: &frame) }
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
