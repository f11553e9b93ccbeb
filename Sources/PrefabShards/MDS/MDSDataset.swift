/// Random access to the samples of an MDS directory by global sample index, as
/// `StreamingDataset[i]` gives it.
///
/// Holds one decompressed shard at a time (the one last touched), so memory stays at about one
/// shard whatever the dataset size. Not thread-safe: use one per task.
public final class MDSDataset {
    public let directory: String
    public let index: MDSIndex
    public let manifest: ShardManifest?
    public let verification: Verification
    /// Global index of each shard's first sample, plus the total.
    private let shardStarts: [Int]
    private var cached: (shard: Int, data: MDSShardData)?

    public init(directory: String, verification: Verification = .standard) throws(ShardError) {
        self.directory = directory
        index = try MDSIndex.load(from: directory)
        manifest = try ShardManifest.load(from: directory)
        if let manifest, manifest.format != .mds {
            throw .invalidIndex(path: directory + "/" + ShardManifest.fileName, reason: "manifest says \(manifest.format), but the directory has an MDS index.json")
        }
        if let manifest, manifest.recordCount != index.sampleCount, verification != .minimal {
            throw .corrupt(path: directory + "/" + MDSIndex.fileName, reason: "lists \(index.sampleCount) samples, manifest.json says \(manifest.recordCount)")
        }
        self.verification = verification
        var starts = [0]
        for shard in index.shards { starts.append(starts.last! + shard.samples) }
        shardStarts = starts
    }

    /// Number of samples in the dataset.
    public var count: Int { shardStarts.last! }

    /// The columns of the first shard (MDS allows them to differ per shard; Prefab writes one schema).
    public var columns: [MDSColumn] { index.shards.first?.columns ?? [] }

    /// The sample at global index `position` as a JSON object (columns in index order).
    public func record(at position: Int) throws(ShardError) -> JSONObject {
        guard position >= 0, position < count else {
            throw .invalidArgument("sample \(position) is out of range (the dataset has \(count))")
        }
        let shard = shardContaining(position)
        return try shardData(shard).sample(position - shardStarts[shard])
    }

    /// Which shard holds global sample `position` (binary search; empty shards are skipped).
    func shardContaining(_ position: Int) -> Int {
        var low = 0
        var high = index.shards.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if shardStarts[middle] <= position { low = middle } else { high = middle - 1 }
        }
        return low
    }

    func shardStart(_ shard: Int) -> Int { shardStarts[shard] }

    func shardData(_ shard: Int) throws(ShardError) -> MDSShardData {
        if let cached, cached.shard == shard { return cached.data }
        cached = nil  // free the old shard before loading the next
        let data = try MDSShardData.load(directory: directory, entry: index.shards[shard], manifest: manifest, verification: verification)
        cached = (shard, data)
        return data
    }

    /// Loads (and so verifies) every shard in turn. Returns the number of samples checked.
    @discardableResult
    public func verifyAll() throws(ShardError) -> Int {
        var total = 0
        for shard in index.shards.indices {
            total += try shardData(shard).sampleCount
        }
        return total
    }
}
