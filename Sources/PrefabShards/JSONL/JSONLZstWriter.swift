import Foundation

/// Writes records as zstd-compressed JSON Lines in the seekable layout
/// (`specs/jsonl-zst.md`): `BASENAME-00000.jsonl.zst`, `BASENAME-00001.jsonl.zst`, … plus
/// `manifest.json`.
///
/// Each frame holds whole lines, up to `frameSize` uncompressed bytes, and carries its content
/// size and a checksum; a seek table (with XXH64 checksums) ends each file. So `zstd -d`, HF
/// `datasets` and Prefab's reader all read the files, and a reader can start at any frame.
/// Memory: one frame plus its compressed form.
public final class JSONLZstWriter: ShardWriter {
    public let directory: String
    public var format: ShardFormat { .jsonlZst }
    public private(set) var recordCount = 0
    public var currentShard: String? { recordCount > 0 ? Self.shardName(options.basename, shardCount - 1) : nil }

    private let options: ShardWriterOptions
    private var frame: [UInt8] = []
    private var closed = false
    /// The shard being filled, as the caller's thread sees it (for rotation and the manifest).
    private var shardOpen = false
    private var shardRawBytes = 0
    private var shardRecords = 0
    private var shardCount = 0

    /// Frames are compressed, checksummed and written on a serial background queue while the
    /// caller fills the next frame (as `zstd -T1` overlaps reading and compressing); at most
    /// `framesInFlight` frames wait, so memory stays at a few frames.
    private let queue = DispatchQueue(label: "prefab.jsonl-zst.frames")
    private let slots = DispatchSemaphore(value: JSONLZstWriter.framesInFlight)
    private let state: FrameWriterState
    private static let framesInFlight = 2

    /// Everything the background queue owns. Touched only on `queue`, except `failure` and the
    /// buffer pool, which are locked, and `completed`, which is read after the queue drained.
    private final class FrameWriterState: @unchecked Sendable {
        let directory: String
        let compressor: ZstdCompressor
        let observer: ShardClosedObserver
        var compressed: [UInt8] = []
        var current: OpenShard?
        var completed: [ShardManifest.Shard] = []
        private let lock = NSLock()
        private var failure: ShardError?
        private var pool: [[UInt8]] = []

        init(directory: String, level: Int, observer: ShardClosedObserver) {
            self.directory = directory
            self.observer = observer
            compressor = ZstdCompressor(level: level)
        }

        func fail(_ error: ShardError) {
            lock.lock()
            if failure == nil { failure = error }
            lock.unlock()
        }

        var firstFailure: ShardError? {
            lock.lock()
            defer { lock.unlock() }
            return failure
        }

        /// Keeps `buffer`'s allocation for the next frame (the caller passes its only reference).
        func recycle(_ buffer: consuming [UInt8]) {
            buffer.removeAll(keepingCapacity: true)
            lock.lock()
            pool.append(consume buffer)
            lock.unlock()
        }

        func reusableBuffer() -> [UInt8]? {
            lock.lock()
            defer { lock.unlock() }
            return pool.popLast()
        }

        func open(name: String) {
            guard firstFailure == nil else { return }
            do {
                current = OpenShard(file: try AtomicFileWriter(path: directory + "/" + name), name: name)
            } catch {
                fail(error)
            }
        }

        func write(frame: [UInt8]) {
            guard firstFailure == nil, let shard = current else { return }
            compressed.removeAll(keepingCapacity: true)
            let checksum = frame.withUnsafeBytes { UInt32(truncatingIfNeeded: XXH64.hash($0)) }
            do {
                do {
                    _ = try frame.withBytes { raw throws(ZstdError) in try compressor.compressFrame(raw, appendingTo: &compressed) }
                } catch {
                    throw ShardError.io(path: directory + "/" + shard.name, operation: "compress (\(error.name))", errno: EIO)
                }
                try shard.file.write(compressed)
            } catch let error as ShardError {
                fail(error)
                return
            } catch {
                return
            }
            compressed.withUnsafeBytes { shard.sha256.update($0) }
            shard.table.entries.append(.init(compressedSize: UInt32(compressed.count), decompressedSize: UInt32(frame.count), checksum: checksum))
            shard.rawBytes += frame.count
        }

        func close(records: Int) {
            guard firstFailure == nil, let shard = current else { return }
            do {
                let table = shard.table.serialized()
                try shard.file.write(table)
                table.withUnsafeBytes { shard.sha256.update($0) }
                try shard.file.commit()
            } catch {
                fail(error)
                return
            }
            let entry = ShardManifest.Shard(
                file: shard.name, bytes: shard.file.bytesWritten, rawBytes: shard.rawBytes, records: records,
                sha256: Hex.encode(shard.sha256.finalizeAndReset())
            )
            completed.append(entry)
            current = nil
            observer.notify(.init(path: directory + "/" + entry.file, bytes: entry.bytes, sha256: entry.sha256))
        }

        func discard() {
            current?.file.discard()
            current = nil
        }
    }

    /// A shard being written: its temporary file, seek table and running SHA-256.
    private final class OpenShard {
        let file: AtomicFileWriter
        let name: String
        var table = SeekTable()
        var sha256 = Digest(.sha256)
        var rawBytes = 0
        init(file: AtomicFileWriter, name: String) {
            self.file = file
            self.name = name
        }
    }

    /// Creates `directory` (it must be absent or empty) and prepares to write.
    public init(directory: String, options: ShardWriterOptions) throws(ShardError) {
        guard options.compression.isCompressed else {
            throw .invalidArgument("JSONL.zst shards need zstd compression (got \(options.compression))")
        }
        guard options.frameSize > 0, options.frameSize <= Int(UInt32.max / 2) else {
            throw .invalidArgument("frame size must be between 1 byte and 2 GiB")
        }
        if let limit = options.shardSizeLimit, limit <= 0 {
            throw .invalidArgument("shard size limit must be positive")
        }
        guard !options.basename.isEmpty, !options.basename.contains("/"), !options.basename.hasPrefix(".") else {
            throw .invalidArgument("shard basename '\(options.basename)' must be a plain file name")
        }
        try OutputDirectory.prepare(directory)
        self.directory = directory
        self.options = options
        state = FrameWriterState(directory: directory, level: options.compression.level, observer: options.shardClosed)
        frame.reserveCapacity(options.frameSize + 4096)
    }

    public func write(_ record: JSONObject) throws(ShardError) {
        guard !closed else { throw .writerClosed(path: directory) }
        let start = frame.count
        record.write(to: &frame, style: .compact)
        // Serialised straight into the frame; move it out if it must go to the next frame or shard.
        let length = frame.count - start
        if needsFlushBefore(lineLength: length + 1, pending: start) {
            let line = Array(frame[start...])
            frame.removeSubrange(start...)
            try line.withBytes { raw throws(ShardError) in try appendLine(raw) }
        } else {
            frame.append(UInt8(ascii: "\n"))
            try accepted(lineLength: length + 1)
        }
    }

    public func write(jsonLine: UnsafeRawBufferPointer) throws(ShardError) {
        guard !closed else { throw .writerClosed(path: directory) }
        var line = jsonLine
        if line.last == UInt8(ascii: "\n") { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.last == UInt8(ascii: "\r") { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.count > 0, memchr(line.baseAddress!, 0x0A, line.count) != nil {
            throw .invalidRecord(path: directory, position: .record(recordCount + 1), field: nil, reason: "a JSON line must not contain a line break")
        }
        if options.validateLines {
            do {
                try JSONValidator.validateObject(line)
            } catch {
                throw .invalidJSON(path: directory, position: .record(recordCount + 1), reason: error.description)
            }
        }
        try appendLine(line)
    }

    private func needsFlushBefore(lineLength: Int, pending: Int) -> Bool {
        if pending > 0, pending + lineLength > options.frameSize { return true }
        if let limit = options.shardSizeLimit, shardRawBytes + pending > 0, shardRawBytes + pending + lineLength > limit {
            return true
        }
        return false
    }

    private func appendLine(_ line: UnsafeRawBufferPointer) throws(ShardError) {
        let length = line.count + 1
        guard length < Int(UInt32.max) else {
            throw .invalidRecord(path: directory, position: .record(recordCount + 1), field: nil, reason: "a line over 4 GiB does not fit a zstd seekable frame")
        }
        do {
            if let limit = options.shardSizeLimit, shardRawBytes + frame.count > 0, shardRawBytes + frame.count + length > limit {
                try finishShard()
            }
            if !frame.isEmpty, frame.count + length > options.frameSize { try flushFrame() }
        } catch {
            closed = true
            throw error
        }
        frame.append(contentsOf: line)
        frame.append(UInt8(ascii: "\n"))
        try accepted(lineLength: length)
    }

    /// Book-keeping after a line entered the frame; flushes a full frame.
    private func accepted(lineLength: Int) throws(ShardError) {
        recordCount += 1
        if !shardOpen { openShard() }
        shardRecords += 1
        if frame.count >= options.frameSize {
            do {
                try flushFrame()
            } catch {
                closed = true
                throw error
            }
        }
    }

    private func openShard() {
        let name = Self.shardName(options.basename, shardCount)
        shardCount += 1
        shardOpen = true
        shardRawBytes = 0
        shardRecords = 0
        let state = state
        queue.async { state.open(name: name) }
    }

    private static func shardName(_ basename: String, _ number: Int) -> String {
        String(format: "%@-%05d.jsonl.zst", basename, number)
    }

    /// Hands the current frame to the background queue (waiting while two are already queued).
    private func flushFrame() throws(ShardError) {
        if let failure = state.firstFailure { throw failure }
        guard !frame.isEmpty else { return }
        if !shardOpen { openShard() }
        var full = state.reusableBuffer() ?? []
        if full.capacity < options.frameSize { full.reserveCapacity(options.frameSize + 4096) }
        swap(&full, &frame)
        shardRawBytes += full.count
        slots.wait()
        let state = state
        let slots = slots
        let handoff = BufferHandoff(consume full)
        queue.async {
            let frame = handoff.take()
            state.write(frame: frame)
            state.recycle(consume frame)
            slots.signal()
        }
    }

    private func finishShard() throws(ShardError) {
        try flushFrame()
        guard shardOpen else { return }
        let records = shardRecords
        let state = state
        queue.async { state.close(records: records) }
        shardOpen = false
        shardRawBytes = 0
        shardRecords = 0
    }

    @discardableResult
    public func finish() throws(ShardError) -> ShardManifest {
        guard !closed else { throw .writerClosed(path: directory) }
        closed = true
        try finishShard()
        queue.sync {}
        if let failure = state.firstFailure { throw failure }
        let manifest = ShardManifest(format: .jsonlZst, configHash: options.configHash, compression: options.compression, shards: state.completed)
        try manifest.write(to: directory)
        return manifest
    }

    public func abandon() {
        closed = true
        let state = state
        queue.sync { state.discard() }
    }

    deinit {
        // Let queued frames finish before the state (and any temporary file) goes away.
        queue.sync {}
    }
}
