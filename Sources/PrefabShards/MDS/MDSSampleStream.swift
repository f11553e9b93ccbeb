import Foundation

/// Reads the samples of an MDS directory in order, decompressing ahead on a background thread:
/// what `RecordCursor` (and so `prefab cat` and `prefab convert`) reads MDS through.
///
/// For each shard the producer reads the stored file into memory and checks its hash before
/// decompressing anything, then decompresses the shard's header (sample count and offsets,
/// checked against index.json) and its samples, in blocks of about 1 MiB that end on sample
/// boundaries, while the reader decodes the blocks before them. So decompression overlaps
/// decoding (as `zstd -d` overlaps decompressing with writing), no sample comes from bytes that
/// failed a check, and memory stays at one compressed shard plus a few blocks.
///
/// A shard whose stored bytes are not hash-checked up front (minimal verification, no hashes
/// listed), or whose decompressed bytes are to be hashed too (full verification), or that is
/// stored uncompressed, is loaded whole and checked (`MDSShardData`) before any sample is handed
/// out, as random access does; such a shard is not read ahead.
final class MDSSampleStream {
    /// Global index of the next sample `next` gives.
    private(set) var position: Int
    private let total: Int
    private let pipe: Pipe
    private var shard: ShardHeader?
    private var block: Block?
    /// The current block's samples, as local indices `blockStart..<blockEnd` (empty: none held).
    private var blockStart = 0
    private var blockEnd = 0
    private var whole: (data: MDSShardData, firstSample: Int)?
    private var failure: ShardError?

    /// A sample handed out by `next`: valid during the call only.
    struct Sample {
        let decoder: MDSSampleDecoder
        /// The sample is `bytes[start..<end]`.
        let bytes: UnsafeRawBufferPointer
        let start: Int
        let end: Int
        /// Index within its shard.
        let index: Int
        var path: String { decoder.path }
    }

    init(dataset: MDSDataset, from sample: Int) {
        position = sample
        total = dataset.count
        pipe = Pipe()
        guard sample < total else { return }
        let firstShard = dataset.shardContaining(sample)
        let job = Producer(pipe: pipe, directory: dataset.directory, index: dataset.index, manifest: dataset.manifest,
                           verification: dataset.verification, firstShard: firstShard, firstSample: dataset.shardStart(firstShard))
        let thread = Thread { job.run() }
        thread.name = "prefab.mds.read-ahead"
        thread.start()
    }

    deinit { pipe.cancel() }

    /// Calls `body` with the next sample, or returns nil after the last.
    func next<R>(_ body: (Sample) throws(ShardError) -> R) throws(ShardError) -> R? {
        while true {
            if let failure { throw failure }
            guard position < total else { return nil }
            if let shard {
                // The hot path: a sample of the block held (no copies of the headers' references).
                let local = position - shard.firstSample
                if local >= blockStart, local < blockEnd {
                    let base = block!.base
                    let result = try body(Sample(decoder: shard.decoder, bytes: block!.buffer.bytes, start: shard.offsets[local] - base,
                                                 end: shard.offsets[local + 1] - base, index: local))
                    position += 1
                    return result
                }
            }
            if let whole {
                let local = position - whole.firstSample
                if local >= 0, local < whole.data.sampleCount {
                    let result = try whole.data.withSample(local) { raw, start, end throws(ShardError) in
                        try body(Sample(decoder: whole.data.decoder, bytes: raw, start: start, end: end, index: local))
                    }
                    position += 1
                    return result
                }
            }
            // Done with what is held: give it back, take the next piece.
            if let held = block {
                block = nil
                blockStart = 0
                blockEnd = 0
                pipe.recycle(held.buffer)
            }
            if let held = whole {
                whole = nil
                pipe.recycleWhole(held.data.takeBuffer())
            }
            switch pipe.receive() {
            case .shard(let header): shard = header
            case .block(let next):
                block = next
                blockStart = next.firstSample
                blockEnd = next.firstSample + next.count
            case .whole(let data): whole = (data.data, data.firstSample)
            case .failure(let error): failure = error
            case .end: return nil
            }
        }
    }

    // MARK: - Between the threads

    /// A streamed shard's layout, sent before its blocks.
    struct ShardHeader: Sendable {
        let decoder: MDSSampleDecoder
        /// Global index of its first sample.
        let firstSample: Int
        /// Sample offsets within the shard (count + 1).
        let offsets: [Int]
    }

    /// Whole samples of the current streamed shard: the buffer holds the shard's bytes from `base`.
    struct Block: Sendable {
        let buffer: BlockBuffer
        let base: Int
        let firstSample: Int
        let count: Int
    }

    struct WholeShard: @unchecked Sendable {
        /// Handed over, then touched by the reader only.
        let data: MDSShardData
        let firstSample: Int
    }

    /// Memory passed back and forth between the threads (a class, so handing it over never copies).
    final class BlockBuffer: @unchecked Sendable {
        let capacity: Int
        private let start: UnsafeMutableRawPointer
        init(capacity: Int) {
            self.capacity = capacity
            start = .allocate(byteCount: capacity, alignment: 16)
        }
        deinit { start.deallocate() }
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: capacity) }
        var mutableBytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: start, count: capacity) }
    }

    enum Item: Sendable {
        case shard(ShardHeader)
        case block(Block)
        case whole(WholeShard)
        case failure(ShardError)
        case end
    }

    /// The bounded queue between the producer and the reader, and the buffers they pass back
    /// and forth. At most `maxPieces` blocks are out (queued or held) at once; a whole shard is
    /// loaded only when nothing else is out.
    final class Pipe: @unchecked Sendable {
        static let blockSize = 1 << 20
        static let maxPieces = 6
        private let condition = NSCondition()
        private var items: [Item] = []
        private var piecesOut = 0
        private var freeBlocks: [BlockBuffer] = []
        private var spareWhole: [UInt8] = []
        private(set) var cancelled = false

        func send(_ item: Item) {
            condition.lock()
            items.append(item)
            condition.broadcast()
            condition.unlock()
        }

        func receive() -> Item {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty { condition.wait() }
            // Short (a few blocks at most), and a taken item must not stay referenced here.
            return items.removeFirst()
        }

        /// A block buffer of at least `size` bytes, once fewer than `maxPieces` are out; nil when cancelled.
        func takeBlock(size: Int) -> BlockBuffer? {
            condition.lock()
            while piecesOut >= Self.maxPieces, !cancelled { condition.wait() }
            guard !cancelled else {
                condition.unlock()
                return nil
            }
            piecesOut += 1
            let free = freeBlocks.popLast()
            condition.unlock()
            if let free, free.capacity >= size { return free }
            return BlockBuffer(capacity: max(size, Self.blockSize))
        }

        /// Waits until nothing is out, then takes the spare whole-shard buffer; nil when cancelled.
        func takeWhole() -> [UInt8]? {
            condition.lock()
            defer { condition.unlock() }
            while piecesOut > 0, !cancelled { condition.wait() }
            guard !cancelled else { return nil }
            piecesOut += 1
            freeBlocks.removeAll()
            defer { spareWhole = [] }
            return spareWhole
        }

        func recycle(_ buffer: BlockBuffer) {
            condition.lock()
            piecesOut -= 1
            freeBlocks.append(buffer)
            condition.broadcast()
            condition.unlock()
        }

        func recycleWhole(_ buffer: [UInt8]) {
            condition.lock()
            piecesOut -= 1
            spareWhole = buffer
            condition.broadcast()
            condition.unlock()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }

    // MARK: - The producer

    /// Runs on its own thread: loads, checks and decompresses the shards in order into the pipe.
    final class Producer: @unchecked Sendable {
        private let pipe: Pipe
        private let directory: String
        private let index: MDSIndex
        private let manifest: ShardManifest?
        private let verification: Verification
        private let firstShard: Int
        private let firstSample: Int
        private var compressed: [UInt8] = []
        private let decompressor = ZstdDecompressor()

        init(pipe: Pipe, directory: String, index: MDSIndex, manifest: ShardManifest?, verification: Verification, firstShard: Int, firstSample: Int) {
            self.pipe = pipe
            self.directory = directory
            self.index = index
            self.manifest = manifest
            self.verification = verification
            self.firstShard = firstShard
            self.firstSample = firstSample
        }

        func run() {
            var shardStart = firstSample
            do throws(ShardError) {
                for number in firstShard..<index.shards.count {
                    let entry = index.shards[number]
                    // Empty shards hold nothing to read (the reference writer may start with one).
                    guard entry.samples > 0 else { continue }
                    let source = try MDSShardData.Source.open(directory: directory, entry: entry, manifest: manifest, verification: verification)
                    if source.canStream {
                        guard try stream(source, firstSample: shardStart) else { return }
                    } else {
                        guard var spare = pipe.takeWhole() else { return }
                        let data = try MDSShardData.load(source, reusing: &spare)
                        pipe.send(.whole(WholeShard(data: data, firstSample: shardStart)))
                    }
                    shardStart += entry.samples
                }
                pipe.send(.end)
            } catch {
                pipe.send(.failure(error))
            }
        }

        /// Streams one shard whose stored bytes carry a hash to check. False when cancelled.
        private func stream(_ source: MDSShardData.Source, firstSample: Int) throws(ShardError) -> Bool {
            let path = source.path
            let size = source.file.size
            if compressed.count < size {
                compressed = [UInt8](unsafeUninitializedCapacity: size) { _, count in count = size }
            }
            try source.file.seek(to: 0)
            let read = try compressed.withMutableBytes { raw throws(ShardError) in
                try source.file.readFully(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<size]))
            }
            guard read == size else { throw .truncated(path: path, reason: "ended after \(read) of \(size) bytes while being read") }
            let hasher = StreamingHasher(Array(source.storedChecks.keys))
            compressed.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<size])) }
            try MDSShardData.check(hasher, against: source.storedChecks, path: path, what: "")

            return try compressed.withBytes { all throws(ShardError) -> Bool in
                var input = FrameInput(decompressor: decompressor, input: UnsafeRawBufferPointer(rebasing: all[0..<size]), path: path)
                decompressor.reset()
                // The header: sample count, offsets, config.
                var head = [UInt8](repeating: 0, count: 4)
                try head.withMutableBytes { raw throws(ShardError) in try input.fill(raw) }
                let count = Int(head.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian })
                guard count == source.samples else {
                    throw .corrupt(path: path, reason: "holds \(count) samples, index.json says \(source.samples)")
                }
                let tableEnd = 4 + 4 * (count + 1)
                guard tableEnd <= source.rawBytes else { throw .corrupt(path: path, reason: "offset table runs past the end of the shard") }
                head.append(contentsOf: repeatElement(0, count: tableEnd - 4))
                try head.withMutableBytes { raw throws(ShardError) in try input.fill(UnsafeMutableRawBufferPointer(rebasing: raw[4...])) }
                let offsets = try head.withBytes { raw throws(ShardError) in
                    try MDSShardData.offsets(raw, count: count, shardSize: source.rawBytes, path: path)
                }
                var config = [UInt8](repeating: 0, count: offsets[0] - tableEnd)
                try config.withMutableBytes { raw throws(ShardError) in try input.fill(raw) }
                pipe.send(.shard(ShardHeader(decoder: MDSSampleDecoder(path: path, columns: source.columns, trusted: source.trusted),
                                             firstSample: firstSample, offsets: offsets)))

                // The samples, in blocks of whole samples.
                var sample = 0
                while sample < count {
                    let base = offsets[sample]
                    var end = sample + 1
                    while end < count, offsets[end + 1] - base <= Pipe.blockSize { end += 1 }
                    let length = offsets[end] - base
                    guard let buffer = pipe.takeBlock(size: length) else { return false }
                    try input.fill(UnsafeMutableRawBufferPointer(rebasing: buffer.mutableBytes[0..<length]))
                    pipe.send(.block(Block(buffer: buffer, base: base, firstSample: sample, count: end - sample)))
                    sample = end
                }
                try input.finish(declaredSize: source.rawBytes)
                return true
            }
        }
    }

    /// Decompresses one frame held in memory into exactly the pieces asked for.
    struct FrameInput {
        let decompressor: ZstdDecompressor
        let input: UnsafeRawBufferPointer
        let path: String
        private var consumed = 0
        private var produced = 0
        private var frameEnded = false

        init(decompressor: ZstdDecompressor, input: UnsafeRawBufferPointer, path: String) {
            self.decompressor = decompressor
            self.input = input
            self.path = path
        }

        /// Fills `output` with the next decompressed bytes.
        mutating func fill(_ output: UnsafeMutableRawBufferPointer) throws(ShardError) {
            var filled = 0
            while filled < output.count {
                if frameEnded {
                    throw .corrupt(path: path, reason: "decompresses to \(produced) bytes, fewer than its header and index.json say")
                }
                let step: ZstdDecompressor.Step
                do {
                    step = try decompressor.step(input: UnsafeRawBufferPointer(rebasing: input[consumed...]),
                                                 output: UnsafeMutableRawBufferPointer(rebasing: output[filled...]))
                } catch {
                    throw .corrupt(path: path, reason: error.name)
                }
                consumed += step.consumed
                filled += step.produced
                produced += step.produced
                frameEnded = step.frameEnded
                if step.consumed == 0, step.produced == 0, !step.frameEnded {
                    if consumed == input.count { throw .truncated(path: path, reason: "ends inside its zstd frame") }
                    throw .corrupt(path: path, reason: "zstd stopped making progress")
                }
            }
        }

        /// Checks that the frame ends here (checksum included) and nothing follows it.
        mutating func finish(declaredSize: Int) throws(ShardError) {
            var extra: [UInt8] = [0]
            while !frameEnded {
                let step: ZstdDecompressor.Step
                do {
                    step = try extra.withMutableBytes { out throws(ZstdError) in
                        try decompressor.step(input: UnsafeRawBufferPointer(rebasing: input[consumed...]), output: out)
                    }
                } catch {
                    throw .corrupt(path: path, reason: error.name)
                }
                consumed += step.consumed
                if step.produced > 0 {
                    throw .corrupt(path: path, reason: "decompresses to more than the \(declaredSize) bytes declared")
                }
                frameEnded = step.frameEnded
                if step.consumed == 0, !step.frameEnded {
                    if consumed == input.count { throw .truncated(path: path, reason: "ends inside its zstd frame") }
                    throw .corrupt(path: path, reason: "zstd stopped making progress")
                }
            }
            if consumed != input.count {
                throw .corrupt(path: path, reason: "\(input.count - consumed) bytes follow its zstd frame")
            }
        }
    }
}
