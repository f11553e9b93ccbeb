import PrefabShards

/// Writes each record to every copy of a stage's output (JSONL.zst and MDS) at once.
/// Used from one task at a time, like the writers it holds.
package final class StageShardWriter {
    private let writers: [any ShardWriter]

    init(writers: [any ShardWriter]) {
        self.writers = writers
    }

    /// Records written so far.
    package var recordCount: Int { writers.first?.recordCount ?? 0 }

    /// The shard files (full paths, one per copy) holding the last record written; empty before the first.
    package var currentShards: [String] {
        writers.compactMap { writer in writer.currentShard.map { writer.directory + "/" + $0 } }
    }

    /// Appends one record given as a line of JSON (no line break inside).
    package func write(jsonLine bytes: [UInt8]) throws(ShardError) {
        for writer in writers { try writer.write(jsonLine: bytes) }
    }

    /// Writes the last shards, indexes and manifests.
    @discardableResult
    package func finish() throws(ShardError) -> [ShardManifest] {
        var manifests: [ShardManifest] = []
        for writer in writers { manifests.append(try writer.finish()) }
        return manifests
    }

    /// Stops without an index or manifest, removing the shards being written.
    package func abandon() {
        for writer in writers { writer.abandon() }
    }
}
