import PrefabShards

/// `prefab convert` with a progress count: `ShardConverter` lives in PrefabShards, below the
/// progress display, so it only reports a running count, and this turns that count into the
/// monitor's `done` (with the input's record count as the total when its manifest or MDS index
/// knows it; a JSONL file's is unknown until read, and the display then shows done and rate).
package enum ShardConversion {
    package static func convert(
        input: String, output: String, options: ShardWriterOptions, monitor: RunMonitor,
        afterRecord: (Int) -> Void = { _ in }
    ) throws(ShardError) -> ShardManifest {
        let total = (try? ShardDataset.open(input))?.knownRecordCount
        monitor.update {
            $0.phase = "running"
            $0.total = total
        }
        let manifest = try ShardConverter.convert(input: input, output: output, options: options) { written in
            monitor.update { $0.done = written }
            afterRecord(written)
        }
        monitor.update { $0.phase = "done" }
        return manifest
    }
}
