/// Reads the records of a `ShardDataset` one at a time, in order, streaming.
///
/// `next()` parses each record into a `JSONObject`; `nextJSON(_:)` hands out the record's JSON
/// text without building a value (the line itself for JSON Lines, so `prefab cat` and format
/// conversion copy bytes rather than re-serialise). Errors name the file and the line or sample.
public final class RecordCursor {
    public let dataset: ShardDataset
    private var fileIndex = 0
    private var lineReader: JSONLFileReader?
    private var mds: MDSDataset?
    /// Reads `mds` ahead, from `nextSample` (restarted if `skip` moves past it).
    private var stream: MDSSampleStream?
    private var standalone: MDSShardData?
    private var nextSample = 0
    private var scratch: [UInt8] = []
    /// File and position of the record last returned.
    public private(set) var lastFile: String?
    public private(set) var lastPosition: RecordPosition?
    /// Records returned so far (including skipped ones).
    public private(set) var recordsRead = 0

    init(dataset: ShardDataset, offset: Int) throws(ShardError) {
        self.dataset = dataset
        if dataset.format == .mds {
            if dataset.standaloneMDSShard {
                standalone = try MDSShardData.loadStandalone(path: dataset.files[0])
            } else {
                mds = try MDSDataset(directory: dataset.path, verification: dataset.verification)
            }
        }
        if offset > 0 { try skip(offset) }
    }

    /// Skips up to `count` records (without parsing JSON Lines; whole JSONL.zst shards are
    /// skipped from the manifest's counts). Returns how many were skipped.
    @discardableResult
    public func skip(_ count: Int) throws(ShardError) -> Int {
        guard count > 0 else { return 0 }
        if mds != nil || standalone != nil {
            let total = mds?.count ?? standalone!.sampleCount
            let skipped = min(count, total - nextSample)
            nextSample += skipped
            recordsRead += skipped
            return skipped
        }
        var skipped = 0
        while skipped < count {
            if lineReader == nil {
                // Jump over whole shards whose record count the manifest gives.
                while fileIndex < dataset.files.count, let entry = dataset.manifestEntry(for: dataset.files[fileIndex]),
                    entry.records <= count - skipped
                {
                    skipped += entry.records
                    fileIndex += 1
                }
                if skipped == count { break }
                guard try openNextFile() else { break }
            }
            if try lineReader!.nextLine() != nil {
                skipped += 1
            } else {
                lineReader = nil
                fileIndex += 1
            }
        }
        recordsRead += skipped
        return skipped
    }

    /// The next record, or nil at the end.
    public func next() throws(ShardError) -> JSONObject? {
        if let mds {
            return try sampleStream(mds).next { (sample: MDSSampleStream.Sample) throws(ShardError) -> JSONObject in
                let record = try sample.decoder.record(sample.bytes, from: sample.start, to: sample.end, sample: sample.index)
                sampleRead(sample)
                return record
            }
        }
        if let standalone {
            guard nextSample < standalone.sampleCount else { return nil }
            let record = try standalone.sample(nextSample)
            lastFile = standalone.path
            lastPosition = .sample(nextSample)
            nextSample += 1
            recordsRead += 1
            return record
        }
        guard let line = try nextJSONLLine() else { return nil }
        do {
            return try JSONObject(parsing: line)
        } catch {
            throw .invalidJSON(path: lastFile!, position: lastPosition!, reason: error.description)
        }
    }

    /// Calls `body` with the next record's JSON text (valid only during the call), or returns
    /// nil at the end. JSON Lines are passed as they are (not validated); MDS samples are
    /// written as compact JSON straight from their columns (`json` columns as stored).
    public func nextJSON<R>(_ body: (UnsafeRawBufferPointer) throws(ShardError) -> R) throws(ShardError) -> R? {
        if let mds {
            let stream = sampleStream(mds)
            let produced = try stream.next { (sample: MDSSampleStream.Sample) throws(ShardError) -> Bool in
                scratch.removeAll(keepingCapacity: true)
                try sample.decoder.writeJSON(sample.bytes, from: sample.start, to: sample.end, sample: sample.index, into: &scratch)
                sampleRead(sample)
                return true
            }
            guard produced != nil else { return nil }
            return try scratch.withBytes(body)
        }
        if let standalone {
            guard nextSample < standalone.sampleCount else { return nil }
            scratch.removeAll(keepingCapacity: true)
            try standalone.writeSampleJSON(nextSample, into: &scratch)
            lastFile = standalone.path
            lastPosition = .sample(nextSample)
            nextSample += 1
            recordsRead += 1
            return try scratch.withBytes(body)
        }
        guard let line = try nextJSONLLine() else { return nil }
        return try body(line)
    }

    /// The MDS stream, positioned at `nextSample`.
    private func sampleStream(_ mds: MDSDataset) -> MDSSampleStream {
        if let stream, stream.position == nextSample { return stream }
        stream = nil  // stops the old read-ahead before starting another
        let started = MDSSampleStream(dataset: mds, from: nextSample)
        stream = started
        return started
    }

    private func sampleRead(_ sample: MDSSampleStream.Sample) {
        lastFile = sample.path
        lastPosition = .sample(sample.index)
        nextSample += 1
        recordsRead += 1
    }

    private func nextJSONLLine() throws(ShardError) -> UnsafeRawBufferPointer? {
        while true {
            if lineReader == nil {
                guard try openNextFile() else { return nil }
            }
            if let line = try lineReader!.nextLine() {
                lastFile = lineReader!.path
                lastPosition = lineReader!.position
                recordsRead += 1
                return line
            }
            try checkRecordCount()
            lineReader = nil
            fileIndex += 1
        }
    }

    /// A JSONL.zst shard must hold as many records as the manifest says (a shard cut at a frame
    /// boundary would otherwise go unnoticed).
    private func checkRecordCount() throws(ShardError) {
        guard let reader = lineReader, dataset.verification != .minimal,
            let entry = dataset.manifestEntry(for: reader.path), reader.startFrame == 0
        else { return }
        if reader.recordCount != entry.records {
            throw .corrupt(path: reader.path, reason: "holds \(reader.recordCount) records, manifest.json says \(entry.records)")
        }
    }

    private func openNextFile() throws(ShardError) -> Bool {
        guard fileIndex < dataset.files.count else { return false }
        let file = dataset.files[fileIndex]
        lineReader = try JSONLFileReader(path: file, verification: dataset.verification, manifestEntry: dataset.manifestEntry(for: file))
        return true
    }
}
