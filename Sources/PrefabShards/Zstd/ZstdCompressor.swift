import CZstd

/// A zstd compression context with Prefab's frame settings: the content size in every frame
/// header (MosaicML's reader allocates from it; without it shards over 128 KiB break) and a
/// checksum in every frame (so a flipped byte is caught before a record is decoded).
///
/// Reuse one per writer: creating a context costs more than compressing a small frame.
final class ZstdCompressor {
    private let context: OpaquePointer
    let level: Int

    /// `workers` > 0 makes streamed frames compress on that many libzstd threads (one-shot
    /// `compressFrame` is unaffected in output format either way).
    init(level: Int, checksum: Bool = true, workers: Int = 0) {
        guard let context = ZSTD_createCCtx() else { fatalError("zstd could not allocate a compression context") }
        self.context = context
        self.level = level
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level))
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0)
        if workers > 0 {
            // Fails harmlessly (stays single-threaded) when libzstd was built without threads.
            ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, Int32(workers))
            // Small jobs keep the worker buffers (and so peak memory) to a few MiB.
            ZSTD_CCtx_setParameter(context, ZSTD_c_jobSize, 1 << 20)
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

    /// Starts a streamed frame whose size is known up front (so the header carries it).
    func beginFrame(pledgedSize: Int) throws(ZstdError) {
        ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
        let result = ZSTD_CCtx_setPledgedSrcSize(context, UInt64(pledgedSize))
        if ZSTD_isError(result) != 0 { throw ZstdError(code: result) }
    }

    /// Feeds part of a streamed frame; `finish` ends the frame. Compressed output goes to `sink`
    /// in pieces of up to `scratch.count` bytes.
    func compress(_ source: UnsafeRawBufferPointer, finish: Bool, scratch: inout [UInt8], sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
        let directive = finish ? ZSTD_e_end : ZSTD_e_continue
        let scratchCount = scratch.count
        while true {
            var remaining = 0
            var produced = 0
            try scratch.withUnsafeMutableBytes { buffer in
                var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: scratchCount, pos: 0)
                remaining = ZSTD_compressStream2(context, &output, &input, directive)
                if ZSTD_isError(remaining) != 0 { throw ZstdError(code: remaining) }
                produced = output.pos
                if produced > 0 { try sink(UnsafeRawBufferPointer(start: buffer.baseAddress, count: produced)) }
            }
            if finish {
                if remaining == 0 { return }
            } else if input.pos == input.size {
                return
            }
        }
    }

    /// The output size that always holds one call's worth of streamed output.
    static var recommendedOutputSize: Int { ZSTD_CStreamOutSize() }
}
