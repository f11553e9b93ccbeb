import CZstd

/// A zstd compression context with Prefab's frame settings: the content size in every frame
/// header (MosaicML's reader allocates from it; without it shards over 128 KiB break) and a
/// checksum in every frame (so a flipped byte is caught before a record is decoded).
///
/// Reuse one per writer: creating a context costs more than compressing a small frame.
final class ZstdCompressor {
    private let context: OpaquePointer
    let level: Int

    /// `contentSize: false` leaves the content size out of streamed frames of unknown size
    /// (only `ZstdPrefixedFrame` wants that: it writes the frame header itself). `sizeHint`
    /// tunes the parameters for input of about that size when the exact size is not pledged.
    /// `workers` > 0 compresses streamed input on that many libzstd threads, in jobs of
    /// `jobSize` bytes (0: libzstd's default); the frame format is the same either way.
    init(level: Int, checksum: Bool = true, contentSize: Bool = true, sizeHint: Int? = nil, workers: Int = 0, jobSize: Int = 0) {
        guard let context = ZSTD_createCCtx() else { fatalError("zstd could not allocate a compression context") }
        self.context = context
        self.level = level
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level))
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, contentSize ? 1 : 0)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0)
        if let sizeHint, sizeHint > 0 {
            // ZSTD_c_srcSizeHint (a macro Swift does not import).
            ZSTD_CCtx_setParameter(context, ZSTD_c_experimentalParam7, Int32(min(sizeHint, Int(Int32.max))))
        }
        if workers > 0 {
            ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, Int32(workers))
            if jobSize > 0 { ZSTD_CCtx_setParameter(context, ZSTD_c_jobSize, Int32(jobSize)) }
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `source` as one complete frame, appending it to `output`. Returns the frame's size.
    @discardableResult
    func compressFrame(_ source: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(ZstdError) -> Int {
        let bound = ZSTD_compressBound(source.count)
        let start = output.count
        var failure: ZstdError? = nil
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { buffer -> Int in
            let result = ZSTD_compress2(context, buffer.baseAddress! + start, bound, source.baseAddress, source.count)
            if ZSTD_isError(result) != 0 {
                failure = ZstdError(code: result)
                return 0
            }
            return result
        }
        output.removeLast(bound - written)
        if let failure { throw failure }
        return written
    }

    /// Starts a streamed frame whose size is known up front (so the header carries it), or of
    /// unknown size when `pledgedSize` is nil.
    func beginFrame(pledgedSize: Int?) throws(ZstdError) {
        ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
        guard let pledgedSize else { return }
        let result = ZSTD_CCtx_setPledgedSrcSize(context, UInt64(pledgedSize))
        if ZSTD_isError(result) != 0 { throw ZstdError(code: result) }
    }

    /// Feeds part of a streamed frame, compressing straight into `output` (grown as needed);
    /// `finish` ends the frame.
    func compress(_ source: UnsafeRawBufferPointer, finish: Bool, into output: ByteBuffer) throws(ZstdError) {
        var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
        let directive = finish ? ZSTD_e_end : ZSTD_e_continue
        let room = ZSTD_CStreamOutSize()
        while true {
            let free = output.reserveFree(room)
            var out = ZSTD_outBuffer(dst: free.baseAddress, size: free.count, pos: 0)
            let remaining = ZSTD_compressStream2(context, &out, &input, directive)
            if ZSTD_isError(remaining) != 0 { throw ZstdError(code: remaining) }
            output.commit(out.pos)
            if finish {
                if remaining == 0 { return }
            } else if input.pos == input.size {
                return
            }
        }
    }
}
