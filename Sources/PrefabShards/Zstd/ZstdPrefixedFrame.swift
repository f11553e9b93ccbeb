/// One zstd frame whose first bytes are known only after everything else has been compressed:
/// an MDS shard starts with its sample offsets, which depend on every sample in it.
///
/// The body is compressed as it arrives (the writer hands it over while still encoding the
/// samples that follow), as the blocks of a frame of unknown size. `finish` then assembles an
/// ordinary single frame: a header that declares the whole content size (MosaicML's reader
/// allocates from it) and the content checksum, the prefix as raw (stored) blocks, the body's
/// compressed blocks, and the checksum of prefix and body.
///
/// Why the body blocks decode unchanged behind the prefix (RFC 8878): a match refers to earlier
/// output by distance, and the body's matches never reach back past the body's start; raw blocks
/// change neither the entropy tables nor the repeat offsets that later compressed blocks may
/// reuse; and the window the body was compressed with is the frame's window. The prefix (an
/// MDS shard's offset table and config) is stored uncompressed: offsets hardly compress, so
/// this costs under 0.1% of the compressed shard.
///
/// The compressed body stays in memory up to `spillThreshold` bytes (a 64 MiB shard of text
/// compresses to about 15 MB); beyond that, as for data that hardly compresses, it moves to an
/// unlinked scratch file in `spillDirectory`, so memory stays bounded whatever the data.
final class ZstdPrefixedFrame {
    static let spillThreshold = 16 << 20

    private let compressor: ZstdCompressor
    private let spillDirectory: String?
    /// The body so far (zstd's own 6-byte frame header first, until the body spills), and
    /// what has spilled of it.
    private let body = ByteBuffer()
    private var spill: SpillFile?
    private var windowDescriptor: UInt8?
    private var bodyOpen = false
    /// How many bytes of the last finished frame's body went through the scratch file.
    private(set) var lastSpill = 0

    /// Frame header descriptor: 4-byte content size, content checksum, no dictionary, not single-segment.
    private static let descriptor: UInt8 = 0b1000_0100

    init(level: Int, sizeHint: Int?, spillDirectory: String? = nil) {
        // Two zstd workers take 1 MiB jobs of the body in turn, so compressing spreads over
        // whatever cores are free; small jobs keep their buffers to a few MiB.
        compressor = ZstdCompressor(level: level, checksum: false, contentSize: false, sizeHint: sizeHint,
                                    workers: 2, jobSize: 1 << 20)
        self.spillDirectory = spillDirectory
    }

    /// Compresses the next part of the body.
    func append(_ bytes: UnsafeRawBufferPointer) throws(ZstdFrameAssemblyError) {
        do {
            if !bodyOpen {
                body.removeAll()
                spill?.reset()
                windowDescriptor = nil
                try compressor.beginFrame(pledgedSize: nil)
                bodyOpen = true
            }
            // Always `continue` here: a first call with `end` would let zstd pledge the size and
            // write a single-segment header without a window size, which `finish` cannot reuse.
            try compressor.compress(bytes, finish: false, into: body)
        } catch {
            throw .zstd(error)
        }
        if body.count >= Self.spillThreshold, let spillDirectory {
            let blocks = try takeHeader()
            do {
                if spill == nil { spill = try SpillFile(directory: spillDirectory) }
                try spill!.append(UnsafeRawBufferPointer(rebasing: body.bytes[blocks...]))
            } catch {
                throw .io(error)
            }
            body.removeAll()
        }
    }

    /// Reads the window descriptor from zstd's header for the body (magic, descriptor, window
    /// descriptor: no size, no checksum, no dictionary, so exactly 6 bytes) when the body still
    /// starts with it. Returns where the body's blocks start in `body`.
    private func takeHeader() throws(ZstdFrameAssemblyError) -> Int {
        if windowDescriptor != nil { return 0 }
        let body = body.bytes
        guard body.count >= 6, body[0] == 0x28, body[1] == 0xB5, body[2] == 0x2F, body[3] == 0xFD, body[4] == 0 else {
            throw .layout("unexpected zstd frame header \(body.prefix(6).map { String($0, radix: 16) })")
        }
        windowDescriptor = body[5]
        return 6
    }

    /// Ends the body and passes the whole frame to `sink` in order, in pieces.
    /// `contentSize` is the prefix plus the body; `contentHash` is the XXH64 (seed 0) of the
    /// same bytes, prefix first: its low 32 bits are the frame checksum.
    func finish(prefix: UnsafeRawBufferPointer, contentSize: Int, contentHash: UInt64,
                sink: (UnsafeRawBufferPointer) throws(ShardError) -> Void) throws(ZstdFrameAssemblyError) {
        try append(UnsafeRawBufferPointer(start: nil, count: 0))
        do {
            try compressor.compress(UnsafeRawBufferPointer(start: nil, count: 0), finish: true, into: body)
        } catch {
            throw .zstd(error)
        }
        bodyOpen = false
        guard contentSize <= Int(UInt32.max) else { throw .layout("content of \(contentSize) bytes needs more than a 4-byte size") }
        let blocks = try takeHeader()
        let windowDescriptor = windowDescriptor!
        let exponent = Int(windowDescriptor >> 3)
        let windowBase = 1 << (10 + exponent)
        let windowSize = windowBase + (windowBase / 8) * Int(windowDescriptor & 7)
        let maxBlock = min(1 << 17, windowSize)

        var head: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, Self.descriptor, windowDescriptor]
        withUnsafeBytes(of: UInt32(contentSize).littleEndian) { head.append(contentsOf: $0) }
        // The prefix as raw blocks (none of them last: the body's final block is).
        var start = 0
        while start < prefix.count {
            let size = min(maxBlock, prefix.count - start)
            let blockHeader = UInt32(size) << 3  // Last_Block 0, Block_Type 0 (raw)
            head.append(UInt8(truncatingIfNeeded: blockHeader))
            head.append(UInt8(truncatingIfNeeded: blockHeader >> 8))
            head.append(UInt8(truncatingIfNeeded: blockHeader >> 16))
            head.append(contentsOf: UnsafeRawBufferPointer(rebasing: prefix[start..<(start + size)]))
            start += size
        }
        try head.withBytes { raw throws(ZstdFrameAssemblyError) in try Self.forward(raw, to: sink) }
        lastSpill = spill?.count ?? 0
        if let spill, spill.count > 0 {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate() }
            do {
                try spill.readBack(using: buffer, sink)
            } catch {
                throw .io(error)
            }
            spill.reset()
        }
        try Self.forward(UnsafeRawBufferPointer(rebasing: body.bytes[blocks...]), to: sink)
        let low = UInt32(truncatingIfNeeded: contentHash)
        let checksum = (0..<4).map { UInt8(truncatingIfNeeded: low >> (8 * $0)) }
        try checksum.withBytes { raw throws(ZstdFrameAssemblyError) in try Self.forward(raw, to: sink) }
    }

    private static func forward(_ bytes: UnsafeRawBufferPointer, to sink: (UnsafeRawBufferPointer) throws(ShardError) -> Void) throws(ZstdFrameAssemblyError) {
        do {
            try sink(bytes)
        } catch {
            throw .io(error)
        }
    }
}

/// Why `ZstdPrefixedFrame.finish` failed.
enum ZstdFrameAssemblyError: Error {
    case zstd(ZstdError)
    case layout(String)
    /// Writing the frame (or spilling its body) failed.
    case io(ShardError)
}
