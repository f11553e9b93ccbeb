import Foundation

/// Reads the lines of one JSON Lines file, plain or zstd-compressed (one frame or many, with or
/// without content sizes, seekable or not), in bounded memory.
///
/// For a seekable file each frame is decoded whole and checked against its seek-table entry
/// (sizes and XXH64 checksum) before any of its lines is handed out, so a damaged frame never
/// yields records. Frames longer than `holdLimit` (only other tools write those) are streamed
/// instead, relying on zstd's own checksum. Returned lines point into an internal buffer and
/// are valid until the next call. (Also the batch runner's reader of batch files and results.)
package final class JSONLFileReader {
    static let holdLimit = 16 << 20
    static let inputChunk = 1 << 20

    let path: String
    let isCompressed: Bool
    let seekTable: SeekTable?
    let startFrame: Int

    private let file: ReadableFile
    private let decompressor: ZstdDecompressor?
    private let verifySeekTable: Bool
    private var sha256: StreamingHasher?
    private let expectedSHA256: String?

    // Input (compressed bytes).
    private var input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    /// Absolute file offset of the next byte to read, and where reading stops (the seek table
    /// is not fed to the decoder).
    private var readOffset: Int
    private let dataEnd: Int
    /// Absolute file offset of the next byte the decoder will consume.
    private var consumedOffset: Int

    // Output (decoded text).
    private var buffer: UnsafeMutableRawBufferPointer
    private var lineStart = 0
    private var scanFrom = 0
    private var released = 0
    private var produced = 0
    private var finished = false

    // Frame tracking.
    private var frameIndex: Int
    private var frameStartOffset: Int
    private var frameProduced = 0
    private var frameHash = XXH64()
    private var inFrame = false

    private(set) var lineNumber = 0
    /// Decoded (uncompressed) bytes so far.
    private(set) var decodedBytes = 0
    /// Non-blank lines returned so far.
    private(set) var recordCount = 0

    package init(path: String, startFrame: Int = 0, verification: Verification = .standard, manifestEntry: ShardManifest.Shard? = nil) throws(ShardError) {
        self.path = path
        file = try ReadableFile(path: path)
        if let manifestEntry, verification != .minimal, file.size != manifestEntry.bytes {
            throw file.size < manifestEntry.bytes
                ? .truncated(path: path, reason: "\(file.size) bytes, manifest.json says \(manifestEntry.bytes)")
                : .corrupt(path: path, reason: "\(file.size) bytes, manifest.json says \(manifestEntry.bytes)")
        }
        let magic = file.size >= 4 ? try file.read(count: 4, at: 0) : []
        isCompressed = magic == [0x28, 0xB5, 0x2F, 0xFD] || (magic.count == 4 && magic[0] & 0xF0 == 0x50 && magic[1...] == [0x2A, 0x4D, 0x18])
        seekTable = isCompressed ? try SeekTable.read(from: file) : nil
        decompressor = isCompressed ? ZstdDecompressor() : nil
        verifySeekTable = verification != .minimal && seekTable?.hasChecksums == true
        if verification == .full, let manifestEntry, startFrame == 0 {
            sha256 = StreamingHasher([.sha256])
            expectedSHA256 = manifestEntry.sha256
        } else {
            expectedSHA256 = nil
        }
        self.startFrame = startFrame
        frameIndex = startFrame
        if startFrame > 0 {
            guard let seekTable else {
                throw .unsupported(path: path, reason: "cannot start at frame \(startFrame): the file has no seek table")
            }
            guard startFrame <= seekTable.entries.count else {
                throw .invalidArgument("\(path) has \(seekTable.entries.count) frames; cannot start at frame \(startFrame)")
            }
            readOffset = seekTable.frameOffsets[startFrame]
            try file.seek(to: readOffset)
        } else {
            readOffset = 0
        }
        consumedOffset = readOffset
        frameStartOffset = readOffset
        dataEnd = seekTable.map { $0.frameOffsets.last! } ?? file.size
        input = .allocate(byteCount: Self.inputChunk, alignment: 16)
        buffer = .allocate(byteCount: 2 << 20, alignment: 16)
    }

    deinit {
        input.deallocate()
        buffer.deallocate()
    }

    /// zstd frames decoded so far (skippable frames included).
    var framesDecoded: Int { frameIndex - startFrame }

    /// Where the last returned line sits.
    var position: RecordPosition {
        startFrame > 0 ? .frameLine(frame: startFrame, line: lineNumber) : .line(lineNumber)
    }

    /// The next non-blank line without its line break, or nil at the end of the file.
    package func nextLine() throws(ShardError) -> UnsafeRawBufferPointer? {
        while true {
            if scanFrom < released {
                let base = buffer.baseAddress!
                if let newline = memchr(base + scanFrom, 0x0A, released - scanFrom) {
                    let end = base.distance(to: newline)
                    let line = trimmedLine(from: lineStart, to: end)
                    lineStart = end + 1
                    scanFrom = lineStart
                    lineNumber += 1
                    if let line {
                        recordCount += 1
                        return line
                    }
                    continue
                }
                scanFrom = released
            }
            if finished {
                guard lineStart < produced else { return nil }
                let line = trimmedLine(from: lineStart, to: produced)
                lineStart = produced
                scanFrom = produced
                lineNumber += 1
                if let line {
                    recordCount += 1
                    return line
                }
                return nil
            }
            try fill()
        }
    }

    /// The line between `start` and `end`, without a trailing CR; nil when blank.
    private func trimmedLine(from start: Int, to end: Int) -> UnsafeRawBufferPointer? {
        var stop = end
        if stop > start, buffer[stop - 1] == 0x0D { stop -= 1 }
        var first = start
        while first < stop, buffer[first] == 0x20 || buffer[first] == 0x09 { first += 1 }
        if first == stop { return nil }
        return UnsafeRawBufferPointer(start: buffer.baseAddress! + start, count: stop - start)
    }

    // MARK: filling

    private func compact() {
        guard lineStart > 0 else { return }
        let keep = produced - lineStart
        if keep > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + lineStart, byteCount: keep) }
        released -= lineStart
        produced -= lineStart
        scanFrom -= lineStart
        lineStart = 0
    }

    private func ensureSpace(_ wanted: Int) {
        guard buffer.count - produced < wanted else { return }
        var size = buffer.count * 2
        while size - produced < wanted { size *= 2 }
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        if produced > 0 { bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: produced) }
        buffer.deallocate()
        buffer = bigger
    }

    /// Reads more compressed (or plain) input; returns false at the end of the data.
    private func readInput() throws(ShardError) -> Bool {
        inputStart = 0
        inputEnd = 0
        let wanted = min(input.count, dataEnd - readOffset)
        guard wanted > 0 else { return false }
        let count = try file.readFully(into: UnsafeMutableRawBufferPointer(rebasing: input[0..<wanted]))
        if count < wanted {
            throw .truncated(path: path, reason: "the file shrank while being read")
        }
        sha256?.update(UnsafeRawBufferPointer(rebasing: input[0..<count]))
        readOffset += count
        inputEnd = count
        return true
    }

    private func fill() throws(ShardError) {
        compact()
        guard let decompressor else {
            ensureSpace(Self.inputChunk)
            let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[produced..<min(buffer.count, produced + Self.inputChunk)]))
            if count == 0 {
                finished = true
            } else {
                sha256?.update(UnsafeRawBufferPointer(rebasing: buffer[produced..<(produced + count)]))
                produced += count
                decodedBytes += count
            }
            released = produced
            if finished { try finishFile() }
            return
        }
        while true {
            if produced - released > Self.holdLimit {
                // A frame this large was not written by Prefab; stream it rather than hold it.
                released = produced
                return
            }
            if inputStart == inputEnd {
                guard try readInput() else {
                    if inFrame {
                        throw .truncated(path: path, reason: "ends inside zstd frame \(frameIndex) (at byte \(consumedOffset))")
                    }
                    released = produced
                    finished = true
                    try finishFile()
                    return
                }
            }
            ensureSpace(ZstdDecompressor.recommendedOutputSize)
            let step: ZstdDecompressor.Step
            do {
                step = try decompressor.step(
                    input: UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]),
                    output: UnsafeMutableRawBufferPointer(rebasing: buffer[produced...])
                )
            } catch {
                throw .corrupt(path: path, reason: "zstd frame \(frameIndex): \(error.name)")
            }
            if step.consumed > 0 || step.produced > 0 { inFrame = true }
            if step.produced > 0 && verifySeekTable {
                frameHash.update(UnsafeRawBufferPointer(rebasing: buffer[produced..<(produced + step.produced)]))
            }
            inputStart += step.consumed
            consumedOffset += step.consumed
            produced += step.produced
            decodedBytes += step.produced
            frameProduced += step.produced
            if step.frameEnded {
                try endFrame()
                released = produced
                return
            }
        }
    }

    private func endFrame() throws(ShardError) {
        if let seekTable {
            guard frameIndex < seekTable.entries.count else {
                throw .corrupt(path: path, reason: "more zstd frames than the seek table lists (\(seekTable.entries.count))")
            }
            let entry = seekTable.entries[frameIndex]
            let compressedSize = consumedOffset - frameStartOffset
            if compressedSize != Int(entry.compressedSize) || frameProduced != Int(entry.decompressedSize) {
                throw .corrupt(path: path, reason: "frame \(frameIndex) is \(compressedSize) → \(frameProduced) bytes, the seek table says \(entry.compressedSize) → \(entry.decompressedSize)")
            }
            if verifySeekTable, let expected = entry.checksum {
                let actual = UInt32(truncatingIfNeeded: frameHash.finalize())
                if actual != expected {
                    throw .corrupt(path: path, reason: "frame \(frameIndex) checksum \(String(actual, radix: 16)) does not match the seek table's \(String(expected, radix: 16))")
                }
            }
        }
        frameIndex += 1
        frameStartOffset = consumedOffset
        frameProduced = 0
        frameHash = XXH64()
        inFrame = false
    }

    private func finishFile() throws(ShardError) {
        if let seekTable, frameIndex != seekTable.entries.count {
            throw .corrupt(path: path, reason: "decoded \(frameIndex) frames, the seek table lists \(seekTable.entries.count)")
        }
        guard let sha256, let expectedSHA256 else { return }
        if dataEnd < file.size {
            let table = try file.read(count: file.size - dataEnd, at: dataEnd)
            sha256.update(table)
        }
        let actual = sha256.finalize()[.sha256]!
        if actual != expectedSHA256 {
            throw .corrupt(path: path, reason: "SHA-256 is \(actual), manifest.json says \(expectedSHA256)")
        }
    }
}
