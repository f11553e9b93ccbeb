import Foundation

/// The background half of `MDSWriter`: compresses a shard's samples while the writer encodes
/// the next ones, then writes the shard file (temporary name, fsync, rename).
///
/// The writer fills fixed-size chunks of sample bytes and hands each full one over; the sink
/// feeds it at once, on its serial queue, to the shard's zstd frame, which libzstd compresses
/// on two worker threads. When the writer closes the shard it passes the header (count,
/// offsets, config) and the raw hashes; the sink ends the frame with the header in front
/// (`ZstdPrefixedFrame`), writes and commits the file, and gives the chunks back. So
/// compressing overlaps encoding (as `zstd -T1` overlaps reading with compressing) and uses
/// whatever cores are free. Memory stays at about one shard of chunks plus up to 16 MiB of
/// its compressed form: a chunk is reused only once its shard is on disk, and the writer waits
/// for one when `maxChunks` are in use.
final class MDSShardSink: @unchecked Sendable {
    /// What the writer knows about a shard when it closes it.
    struct ClosedShard: Sendable {
        var number: Int
        var header: [UInt8]
        var samples: Int
        var rawBytes: Int
        /// Hashes of the uncompressed shard, as `index.json` lists them.
        var rawHashes: [String: String]
        /// XXH64 of the uncompressed shard (the zstd frame checksum); 0 when uncompressed.
        var contentHash: UInt64
    }

    /// A shard on disk.
    struct CommittedShard: Sendable {
        /// As the writer closed it, less the header.
        var closed: ClosedShard
        var storedName: String
        var storedBytes: Int
        /// Hashes of the stored (compressed) file, as `index.json` lists them; nil when uncompressed.
        var storedHashes: [String: String]?
        var sha256: String
    }

    let directory: String
    let chunkSize: Int
    private let hashes: [ShardHashAlgorithm]
    private let queue = DispatchQueue(label: "prefab.mds.shards")

    // Touched only on `queue`.
    private let frame: ZstdPrefixedFrame?
    private var chunks: [[UInt8]] = []
    private var committed: [CommittedShard] = []

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pool: [[UInt8]] = []
    private var liveChunks = 0
    private let maxChunks: Int
    private var failure: ShardError?
    private var cancelled = false

    /// `sizeLimit` bounds a shard's sample bytes (nil: unbounded, and so is memory).
    init(directory: String, compression: Compression, hashes: [ShardHashAlgorithm], sizeLimit: Int?) {
        self.directory = directory
        self.hashes = hashes
        // Chunks of 1 MiB (less for small shards); a chunk closes once it holds that much, so
        // each reserves room for the sample that crosses the mark.
        chunkSize = max(4096, min(1 << 20, sizeLimit ?? (1 << 20)))
        if let sizeLimit {
            // Every chunk of a shard but the last is full, so a shard never needs more than
            // this; the spare chunks let the next shard start while the last one is written.
            maxChunks = sizeLimit / chunkSize + 2 + 4
        } else {
            maxChunks = Int.max
        }
        frame = compression.isCompressed ? ZstdPrefixedFrame(level: compression.level, sizeHint: sizeLimit, spillDirectory: directory) : nil
    }

    /// An empty chunk to fill, waiting while `maxChunks` are in use.
    func takeChunk() -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while pool.isEmpty, liveChunks >= maxChunks, failure == nil, !cancelled {
            condition.wait()
        }
        if let chunk = pool.popLast() { return chunk }
        liveChunks += 1
        var chunk: [UInt8] = []
        chunk.reserveCapacity(chunkSize + chunkSize / 4)
        return chunk
    }

    /// The first error the background work ran into, if any.
    var firstFailure: ShardError? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// Compresses a full chunk of the current shard (in the background; keeps it for the shard's end).
    func add(_ chunk: [UInt8]) {
        queue.async { [self] in
            chunks.append(chunk)
            guard let frame, isRunning else { return }
            do throws(ZstdFrameAssemblyError) {
                try chunk.withBytes { raw throws(ZstdFrameAssemblyError) in try frame.append(raw) }
            } catch {
                fail(Self.shardError(error, path: directory))
            }
        }
    }

    /// Ends the shard (its last chunk already `add`ed): writes and commits the file, in the background.
    func close(_ shard: ClosedShard) {
        queue.async { [self] in
            defer { recycleChunks() }
            guard isRunning else { return }
            do throws(ShardError) {
                committed.append(try write(shard))
            } catch {
                fail(error)
            }
        }
    }

    /// Waits for the background work, then returns the shards written so far.
    func drain() -> [CommittedShard] {
        queue.sync { committed }
    }

    /// Stops: pending work is dropped (an unfinished shard's temporary file is removed).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        queue.sync {}
    }

    private var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return failure == nil && !cancelled
    }

    private func fail(_ error: ShardError) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    private func recycleChunks() {
        var emptied = chunks
        chunks = []
        for index in emptied.indices { emptied[index].removeAll(keepingCapacity: true) }
        condition.lock()
        pool.append(contentsOf: emptied)
        condition.broadcast()
        condition.unlock()
    }

    private func write(_ shard: ClosedShard) throws(ShardError) -> CommittedShard {
        let rawName = String(format: "shard.%05d.mds", shard.number)
        let storedName = frame == nil ? rawName : rawName + ".zstd"
        let path = directory + "/" + storedName
        let file = try AtomicFileWriter(path: path)
        let fileHasher = StreamingHasher([.sha256])
        let storedHasher = frame == nil ? nil : StreamingHasher(hashes)
        let sink = { (bytes: UnsafeRawBufferPointer) throws(ShardError) in
            // In 1 MiB pieces: each is hashed while still in cache, and the kernel copies
            // moderate writes into the page cache faster than one huge one.
            var start = 0
            while start < bytes.count {
                let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<min(bytes.count, start + (1 << 20))])
                try file.write(piece)
                storedHasher?.update(piece)
                fileHasher.update(piece)
                start += piece.count
            }
        }
        if let frame {
            do {
                try shard.header.withBytes { header throws(ZstdFrameAssemblyError) in
                    try frame.finish(prefix: header, contentSize: shard.rawBytes, contentHash: shard.contentHash, sink: sink)
                }
            } catch {
                throw Self.shardError(error, path: path)
            }
        } else {
            try shard.header.withBytes(sink)
            for chunk in chunks { try chunk.withBytes(sink) }
        }
        try file.commit()
        var summary = shard
        summary.header = []  // not needed any more; the list grows with the dataset
        return CommittedShard(
            closed: summary, storedName: storedName, storedBytes: file.bytesWritten,
            storedHashes: storedHasher.map { Self.named($0.finalize()) }, sha256: fileHasher.finalize()[.sha256]!
        )
    }

    private static func shardError(_ error: ZstdFrameAssemblyError, path: String) -> ShardError {
        switch error {
        case .io(let error): error
        case .zstd(let error): .io(path: path, operation: "compress (\(error.name))", errno: EIO)
        case .layout(let reason): .io(path: path, operation: "compress (\(reason))", errno: EIO)
        }
    }

    static func named(_ digests: [ShardHashAlgorithm: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: digests.map { ($0.key.rawValue, $0.value) })
    }
}
