import CZstd

/// A zstd streaming decompression context.
///
/// One `step` moves as much data as fits from the input to the output and says whether a frame
/// just ended, which is how readers track frame boundaries (to check each frame against the
/// seek table, and to notice a file that stops inside a frame).
final class ZstdDecompressor {
    private let context: OpaquePointer

    init() {
        guard let context = ZSTD_createDCtx() else { fatalError("zstd could not allocate a decompression context") }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    func reset() {
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
    }

    struct Step {
        var consumed: Int
        var produced: Int
        /// A frame was completely decoded and flushed by this step.
        var frameEnded: Bool
    }

    /// Decompresses from `input` into `output`. Stops at the end of a frame, when the input is
    /// used up, or when the output is full.
    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws(ZstdError) -> Step {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
        if ZSTD_isError(result) != 0 { throw ZstdError(code: result) }
        return Step(consumed: inBuffer.pos, produced: outBuffer.pos, frameEnded: result == 0)
    }

    /// The content size a frame header declares, nil when the frame does not say (or the bytes
    /// are not a zstd frame header).
    static func declaredContentSize(_ header: UnsafeRawBufferPointer) -> UInt64? {
        let size = ZSTD_getFrameContentSize(header.baseAddress, header.count)
        if size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR { return nil }
        return size
    }

    static var recommendedInputSize: Int { ZSTD_DStreamInSize() }
    static var recommendedOutputSize: Int { ZSTD_DStreamOutSize() }
}
