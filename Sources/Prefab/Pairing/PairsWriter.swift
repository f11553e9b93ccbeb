import Foundation
import PrefabShards

/// Writes the rows of rated records, one record at a time, into `DIR/train` and `DIR/test`
/// (JSONL.zst and MDS each), counting what went where: the pairing stage as a sink, so
/// `prefab pairs` (over a rated directory) and `prefab run` (as records are rated) write the
/// same rows.
package final class PairsWriter {
    package let run: PairStage
    package private(set) var summary: PairingSummary
    private let pairer: Pairer
    private var writers: [DatasetSplit.Side: StageShardWriter] = [:]

    /// Opens the writers under `directory` (created if missing); `shardSizeLimit` as in
    /// `StageShards.writerOptions`; `shardClosed` is told about every shard they finish.
    package init(run: PairStage, directory: String, shardSizeLimit: Int? = nil, shardClosed: ShardClosedObserver = .nobody) throws(ShardError) {
        self.run = run
        pairer = Pairer(options: run.options)
        summary = PairingSummary(
            strategy: run.options.strategy.rawValue, format: run.builder.format.rawValue, score: run.options.score.description,
            minMargin: run.options.minMargin, testRatio: run.split.testRatio, seed: run.options.seed)
        let sides: [DatasetSplit.Side] = run.split.testRatio > 0 ? [.train, .test] : [.train]
        do throws(ShardError) {
            for side in sides {
                writers[side] = try run.layout.makeWriter(
                    directory: (directory as NSString).appendingPathComponent(side.rawValue), compression: run.compression,
                    shardSizeLimit: shardSizeLimit, shardClosed: shardClosed)
            }
        } catch {
            abandon()
            throw error
        }
    }

    /// Writes `record`'s rows (none when it is dropped, counted by reason). Returns the shard
    /// files (full paths) the rows went to.
    @discardableResult
    package func add(_ record: RatedRecord) throws(ShardError) -> [String] {
        summary.prompts += 1
        if let reason = run.builder.dropReason(for: record) {
            summary.dropped[reason.rawValue, default: 0] += 1
            return []
        }
        let human = run.humanVerdicts?.verdict(for: record.promptID)
        if human != nil { summary.humanLabelled += 1 }
        let outcome = pairer.outcome(for: record, human: human)
        let rows = run.builder.rows(for: record, outcome: outcome)
        if case .thresholds = run.builder.kto, run.builder.format.isUnpaired {
            let scored = record.completions.filter { run.options.score.score(of: $0) != nil }.count
            summary.unlabelled += scored - rows.count
        }
        if rows.isEmpty {
            let reason: DropReason = if case .dropped(let reason) = outcome { reason } else { .missingScores }
            summary.dropped[reason.rawValue, default: 0] += 1
            return []
        }
        summary.promptsWithRows += 1
        let side = run.split.side(of: record.promptID)
        let writer = writers[side]!
        var shards: [String] = []
        for row in rows {
            try writer.write(jsonLine: PairStage.line(row))
            summary.rows[side.rawValue, default: 0] += 1
            // A record's rows may straddle a shard boundary.
            for shard in writer.currentShards where !shards.contains(shard) { shards.append(shard) }
        }
        return shards
    }

    /// The shard files (full paths) each split's writers are filling now.
    package var currentShards: [String] {
        writers.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { writers[$0]!.currentShards }
    }

    /// Finishes the shards and writes `pairs-summary.json` beside the splits.
    @discardableResult
    package func finish(directory: String) throws(PairStageError) -> PairingSummary {
        do {
            for writer in writers.values { try writer.finish() }
        } catch {
            throw .shards(error)
        }
        let encoder = StageShards.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        do {
            try encoder.encode(summary).write(to: URL(fileURLWithPath: directory).appendingPathComponent(PairStage.summaryName))
        } catch {
            throw .io(path: directory, reason: "cannot write \(PairStage.summaryName): \(error.localizedDescription)")
        }
        return summary
    }

    /// Stops, removing the shards being written.
    package func abandon() {
        for writer in writers.values { writer.abandon() }
    }
}
