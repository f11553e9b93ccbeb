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

    private let options: ShardWriterOptions
    private let compressor: ZstdCompressor
    private var frame: [UInt8] = []
    private var compressed: [UInt8] = []
    private var current: OpenShard?
    private var completed: [ShardManifest.Shard] = []
    private var closed = false

    /// A shard being written: its temporary file, seek table and running SHA-256.
    private final class OpenShard {
        let file: AtomicFileWriter
        let name: String
        var table = SeekTable()
        var sha256 = Digest(.sha256)
        var rawBytes = 0
        var records = 0
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
        compressor = ZstdCompressor(level: options.compression.level)
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
                _ = try JSONObject(parsing: line)
            } catch {
                throw .invalidJSON(path: directory, position: .record(recordCount + 1), reason: error.description)
            }
        }
        try appendLine(line)
    }

    private func needsFlushBefore(lineLength: Int, pending: Int) -> Bool {
        if pending > 0, pending + lineLength > options.frameSize { return true }
        if let limit = options.shardSizeLimit, let current, current.rawBytes + pending > 0,
            current.rawBytes + pending + lineLength > limit
        {
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
            if let limit = options.shardSizeLimit, let current, current.rawBytes + frame.count > 0,
                current.rawBytes + frame.count + length > limit
            {
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
        do {
            if current == nil { try openShard() }
            current!.records += 1
            if frame.count >= options.frameSize { try flushFrame() }
        } catch {
            closed = true
            throw error
        }
    }

    private func openShard() throws(ShardError) {
        let name = String(format: "%@-%05d.jsonl.zst", options.basename, completed.count)
        current = OpenShard(file: try AtomicFileWriter(path: directory + "/" + name), name: name)
    }

    private func flushFrame() throws(ShardError) {
        guard !frame.isEmpty else { return }
        if current == nil { try openShard() }
        let shard = current!
        compressed.removeAll(keepingCapacity: true)
        let checksum = frame.withUnsafeBytes { UInt32(truncatingIfNeeded: XXH64.hash($0)) }
        do {
            _ = try frame.withBytes { raw throws(ZstdError) in try compressor.compressFrame(raw, appendingTo: &compressed) }
        } catch {
            throw .io(path: directory + "/" + shard.name, operation: "compress (\(error.name))", errno: EIO)
        }
        try shard.file.write(compressed)
        compressed.withUnsafeBytes { shard.sha256.update($0) }
        shard.table.entries.append(.init(compressedSize: UInt32(compressed.count), decompressedSize: UInt32(frame.count), checksum: checksum))
        shard.rawBytes += frame.count
        frame.removeAll(keepingCapacity: true)
    }

    private func finishShard() throws(ShardError) {
        try flushFrame()
        guard let shard = current else { return }
        let table = shard.table.serialized()
        try shard.file.write(table)
        table.withUnsafeBytes { shard.sha256.update($0) }
        try shard.file.commit()
        completed.append(ShardManifest.Shard(
            file: shard.name,
            bytes: shard.file.bytesWritten,
            rawBytes: shard.rawBytes,
            records: shard.records,
            sha256: Hex.encode(shard.sha256.finalizeAndReset())
        ))
        current = nil
    }

    @discardableResult
    public func finish() throws(ShardError) -> ShardManifest {
        guard !closed else { throw .writerClosed(path: directory) }
        closed = true
        try finishShard()
        let manifest = ShardManifest(format: .jsonlZst, configHash: options.configHash, compression: options.compression, shards: completed)
        try manifest.write(to: directory)
        return manifest
    }

    public func abandon() {
        closed = true
        current?.file.discard()
        current = nil
    }
}
