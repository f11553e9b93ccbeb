import Foundation

/// The background half of `MDSWriter`: compresses a shard's samples while the writer encodes
/// the next ones, then writes the shard file (temporary name, fsync, rename).
///
/// The writer fills fixed-size chunks of sample bytes and hands each full one over; the sink
/// feeds it at once, on its serial queue, to the shard's zstd frame (libzstd compresses on two
/// worker threads), appends it to an unlinked scratch file and gives the chunk back. When the
/// writer closes the shard it passes the header (count, offsets, config); the sink reads the
/// samples back from the scratch file to hash them behind the header (the raw hashes and the
/// frame checksum cover the header first, and it is known only now), ends the frame with the
/// header in front (`ZstdPrefixedFrame`), writes and commits the file. So compressing overlaps
/// encoding (as `zstd -T1` overlaps reading with compressing) and memory does not grow with
/// the shard: a few chunks, zstd's buffers and up to 16 MiB of compressed body per writer. The
/// scratch file costs one extra write and read of each shard through the page cache.
final class MDSShardSink: @unchecked Sendable {
    /// What the writer knows about a shard when it closes it.
    struct ClosedShard: Sendable {
        var number: Int
        var header: [UInt8]
        var samples: Int
        var rawBytes: Int
    }

    /// A shard on disk.
    struct CommittedShard: Sendable {
        var number: Int
        var samples: Int
        var rawBytes: Int
        /// Hashes of the uncompressed shard, as `index.json` lists them.
        var rawHashes: [String: String]
        var storedName: String
        var storedBytes: Int
        /// Hashes of the stored (compressed) file, as `index.json` lists them; nil when uncompressed.
        var storedHashes: [String: String]?
        var sha256: String
    }

    let directory: String
    let chunkSize: Int
    private let observer: ShardClosedObserver
    private let hashes: [ShardHashAlgorithm]
    private let queue = DispatchQueue(label: "prefab.mds.shards")

    // Touched only on `queue`.
    private let frame: ZstdPrefixedFrame?
    /// The current shard's sample bytes so far (opened with the first chunk).
    private var samples: SpillFile?
    private var committed: [CommittedShard] = []

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pool: [[UInt8]] = []
    private var liveChunks = 0
    private let maxChunks: Int
    /// For reading a shard's samples back (touched only on `queue`).
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var failure: ShardError?
    private var cancelled = false

    /// `sizeLimit` bounds a shard's sample bytes (nil: unbounded, which costs disk, not memory).
    init(directory: String, compression: Compression, hashes: [ShardHashAlgorithm], sizeLimit: Int?, observer: ShardClosedObserver = .nobody) {
        self.directory = directory
        self.observer = observer
        self.hashes = hashes
        // Chunks of 1 MiB (less for small shards); a chunk closes once it holds that much, so
        // each reserves room for the sample that crosses the mark.
        chunkSize = max(4096, min(1 << 20, sizeLimit ?? (1 << 20)))
        // One being filled, the rest queued behind the one being compressed (or behind a
        // closing shard being written), so encoding goes on meanwhile.
        maxChunks = 6
        frame = compression.isCompressed ? ZstdPrefixedFrame(level: compression.level, sizeHint: sizeLimit, spillDirectory: directory) : nil
    }

    deinit { readBuffer.deallocate() }

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

    /// Chunks allocated so far (at most `maxChunks`): the sample bytes this writer holds in memory.
    var chunksAllocated: Int {
        condition.lock()
        defer { condition.unlock() }
        return liveChunks
    }

    /// The first error the background work ran into, if any.
    var firstFailure: ShardError? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// Compresses a full chunk of the current shard and keeps its bytes for the shard's end
    /// (in the background), then gives the chunk back.
    func add(_ chunk: consuming [UInt8]) {
        let handoff = BufferHandoff(consume chunk)
        queue.async { [self] in
            let chunk = handoff.take()
            store(chunk)
            recycle(consume chunk)
        }
    }

    /// Compresses `chunk` into the shard's frame and appends it to the scratch file.
    private func store(_ chunk: borrowing [UInt8]) {
        guard isRunning else { return }
        do throws(ShardError) {
            if samples == nil { samples = try SpillFile(directory: directory) }
            try chunk.withBytes { raw throws(ShardError) in try samples!.append(raw) }
        } catch {
            fail(error)
            return
        }
        guard let frame else { return }
        do throws(ZstdFrameAssemblyError) {
            try chunk.withBytes { raw throws(ZstdFrameAssemblyError) in try frame.append(raw) }
        } catch {
            fail(Self.shardError(error, path: directory))
        }
    }

    /// Ends the shard (its last chunk already `add`ed): writes and commits the file, in the background.
    func close(_ shard: ClosedShard) {
        queue.async { [self] in
            defer { samples?.reset() }
            guard isRunning else { return }
            do throws(ShardError) {
                let written = try write(shard)
                committed.append(written)
                observer.notify(.init(path: directory + "/" + written.storedName, bytes: written.storedBytes, sha256: written.sha256))
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

    /// Keeps `chunk`'s allocation for the writer (the caller passes its only reference).
    private func recycle(_ chunk: consuming [UInt8]) {
        chunk.removeAll(keepingCapacity: true)
        condition.lock()
        pool.append(consume chunk)
        condition.broadcast()
        condition.unlock()
    }

    /// Passes the current shard's sample bytes, in order, to `body`.
    private func readSamples(_ body: (UnsafeRawBufferPointer) throws(ShardError) -> Void) throws(ShardError) {
        guard let samples else { return }
        try samples.readBack(using: readBuffer, body)
    }

    /// For a compressed shard, whose raw bytes are not written as such: the raw hashes
    /// `index.json` lists and the XXH64 for the frame checksum, over the header and then the
    /// samples (read back from the scratch file).
    private func rawDigests(header: [UInt8]) throws(ShardError) -> (hashes: [String: String], contentHash: UInt64) {
        let hasher = StreamingHasher(hashes)
        var contentHash = hashes.contains(.xxh64) ? nil : XXH64()
        let hash = { (bytes: UnsafeRawBufferPointer) throws(ShardError) in
            hasher.update(bytes)
            contentHash?.update(bytes)
        }
        try header.withBytes(hash)
        try readSamples(hash)
        let digests = hasher.finalize()
        return (Self.named(digests), contentHash?.finalize() ?? UInt64(digests[.xxh64]!, radix: 16)!)
    }

    private func write(_ shard: ClosedShard) throws(ShardError) -> CommittedShard {
        let storedName = Self.storedName(number: shard.number, compression: frame == nil ? .none : .zstd)
        let path = directory + "/" + storedName
        let file = try AtomicFileWriter(path: path)
        let fileHasher = StreamingHasher([.sha256])
        // The listed hashes of what is written: the compressed file's, or (uncompressed) the raw
        // shard's, hashed as it is written rather than read back twice.
        let writtenHasher = StreamingHasher(hashes)
        let sink = { (bytes: UnsafeRawBufferPointer) throws(ShardError) in
            // In 1 MiB pieces: each is hashed while still in cache, and the kernel copies
            // moderate writes into the page cache faster than one huge one.
            var start = 0
            while start < bytes.count {
                let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<min(bytes.count, start + (1 << 20))])
                try file.write(piece)
                writtenHasher.update(piece)
                fileHasher.update(piece)
                start += piece.count
            }
        }
        let rawHashes: [String: String]
        let storedHashes: [String: String]?
        if let frame {
            let contentHash: UInt64
            (rawHashes, contentHash) = try rawDigests(header: shard.header)
            do {
                try shard.header.withBytes { header throws(ZstdFrameAssemblyError) in
                    try frame.finish(prefix: header, contentSize: shard.rawBytes, contentHash: contentHash, sink: sink)
                }
            } catch {
                throw Self.shardError(error, path: path)
            }
            storedHashes = Self.named(writtenHasher.finalize())
        } else {
            try shard.header.withBytes(sink)
            try readSamples(sink)
            rawHashes = Self.named(writtenHasher.finalize())
            storedHashes = nil
        }
        try file.commit()
        return CommittedShard(
            number: shard.number, samples: shard.samples, rawBytes: shard.rawBytes, rawHashes: rawHashes,
            storedName: storedName, storedBytes: file.bytesWritten, storedHashes: storedHashes,
            sha256: fileHasher.finalize()[.sha256]!
        )
    }

    private static func shardError(_ error: ZstdFrameAssemblyError, path: String) -> ShardError {
        switch error {
        case .io(let error): error
        case .zstd(let error): .io(path: path, operation: "compress (\(error.name))", errno: EIO)
        case .layout(let reason): .io(path: path, operation: "compress (\(reason))", errno: EIO)
        }
    }

    /// `shard.00003.mds`, or `shard.00003.mds.zstd` when compressed.
    static func storedName(number: Int, compression: Compression) -> String {
        String(format: "shard.%05d.mds", number) + (compression.isCompressed ? ".zstd" : "")
    }

    static func named(_ digests: [ShardHashAlgorithm: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: digests.map { ($0.key.rawValue, $0.value) })
    }
}
