import Foundation
import PrefabShards

/// Samples every prompt of an input into a samples directory: the whole sampling stage, as
/// `prefab sample` runs it.
///
/// Prompts stream through a bounded window (`window` prompts in flight at once, each with all
/// its calls concurrent), and records are written in input order, so the output does not depend
/// on which answer came back first. The directory appears only when the run has finished: the
/// shards are written under a temporary sibling and renamed into place, so a failed or killed
/// run never leaves a half-written samples directory (its answered calls are in the response
/// cache, and the next run gets them back for free).
public struct SampleStage: Sendable {
    public let sampler: Sampler
    /// Prompts sampled at once.
    public let window: Int
    /// Recorded in the shard manifests.
    public let configHash: String

    public init(sampler: Sampler, window: Int = 16, configHash: String = "") {
        self.sampler = sampler
        self.window = max(1, window)
        self.configHash = configHash
    }

    /// A short hash of a sampling config (sorted-key JSON), for manifests.
    public static func configHash(_ configuration: SamplingConfiguration) -> String {
        guard let data = try? StageShards.encoder().encode(configuration) else { return "" }
        return Digest.sha256Hex(data)
    }

    /// Checks every record of the input without sampling anything, so an invalid record deep in
    /// a file stops the run before the first call instead of after hours of paid calls.
    public static func validate(_ makeReader: () throws(PromptInputError) -> PromptReader) throws(PromptInputError) -> PromptInputStatistics {
        let reader = try makeReader()
        while try reader.next() != nil {}
        return reader.statistics
    }

    /// Samples every prompt `reader` yields into `directory` (JSONL.zst, and MDS in `mds/`), which
    /// must not exist or be empty unless `replacing` is set (then the old directory is swapped
    /// out only once the new one is complete). `progress` is called after each record is written.
    public func run(
        _ reader: PromptReader, into directory: String, replacing: Bool = false,
        progress: (SamplingSummary) -> Void = { _ in }
    ) async throws(SampleStageError) -> SamplingSummary {
        try await run(reader, into: directory, replacing: replacing, monitor: nil, progress: progress)
    }

    /// `run`, counting prompts into `monitor` for the progress display: complete ones as done,
    /// those with failed generations as failed (with the failures by kind), and those in flight.
    package func run(
        _ reader: PromptReader, into directory: String, replacing: Bool, monitor: RunMonitor?,
        progress: (SamplingSummary) -> Void = { _ in }
    ) async throws(SampleStageError) -> SamplingSummary {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        if !replacing, let contents = try? manager.contentsOfDirectory(atPath: target.path), !contents.isEmpty {
            throw .outputExists(path: directory)
        }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(at: staging)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw .output(.io(path: staging.path, operation: "create directory", errno: EACCES))
        }
        do throws(SampleStageError) {
            monitor?.update { $0.phase = "running" }
            let summary = try await write(reader, into: staging.path, monitor: monitor, progress: progress)
            monitor?.update { $0.phase = "done" }
            do {
                try AtomicFileWriter.replaceDirectory(target.path, with: staging.path)
            } catch {
                throw SampleStageError.output(error)
            }
            return summary
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    private func write(
        _ reader: PromptReader, into directory: String, monitor: RunMonitor?, progress: (SamplingSummary) -> Void
    ) async throws(SampleStageError) -> SamplingSummary {
        let writer: StageShardWriter
        do {
            writer = try SampleShards.layout.makeWriter(directory: directory, configHash: configHash)
        } catch {
            throw .output(error)
        }
        let encoder = StageShards.encoder()
        var summary = SamplingSummary()
        func emit(_ record: SampleRecord) throws(SampleStageError) {
            let line: Data
            do {
                line = try encoder.encode(record)
            } catch {
                throw .encoding("\(error)")
            }
            let bytes = [UInt8](line)
            do throws(ShardError) {
                try writer.write(jsonLine: bytes)
            } catch {
                throw .output(error)
            }
            summary.add(record)
            progress(summary)
            monitor?.update { [summary] counts in
                counts.done = summary.prompts - summary.incompletePrompts.count
                counts.failed = summary.incompletePrompts.count
                counts.failuresByKind = summary.failures
            }
        }

        let sampler = self.sampler
        do throws(SampleStageError) {
            try await OrderedWindow<SampleRecord>(inFlight: window).run(
                admit: { _ throws(SampleStageError) in
                    // An endpoint that refuses every call: no new prompt starts (the ones in
                    // flight finish), and the stage ends with the stop below.
                    if sampler.halt.stop != nil { return .end }
                    guard let prompt = try reader.next(or: SampleStageError.input) else { return .end }
                    return .run { await sampler.sample(prompt) }
                },
                emit: { _, record throws(SampleStageError) in try emit(record) },
                running: { running in monitor?.update { $0.inFlight = running } })
        } catch {
            writer.abandon()
            throw error
        }
        if let stop = sampler.halt.stop {
            writer.abandon()
            throw .endpointStopped(stop)
        }
        do {
            try writer.finish()
        } catch {
            throw .output(error)
        }
        summary.input = reader.statistics
        return summary
    }
}
