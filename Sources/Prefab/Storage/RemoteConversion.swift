import Dispatch
import Foundation
import PrefabLLM
import PrefabShards
import PrefabStorage

/// `prefab convert` into an `s3://` prefix: the prefix is claimed first (so a wrong key or a
/// prefix holding something else fails before any work), then the dataset is written into a
/// local scratch directory whose shards go up as they close and are deleted once uploaded
/// (`ShardStreamer`, at most `scratchLimit` closed shards on disk: the conversion waits for the
/// uploads when it gets that far ahead), and the index files go up last (`S3Publisher`).
///
/// Resumable as a run is: the scratch directory and an upload ledger (`UploadLedgerFile`) live
/// in a state directory under the Prefab home, one per conversion (input, options and output).
/// A killed conversion's rerun aborts the multipart uploads it left open, writes the dataset
/// again (shards are cut deterministically, so it makes the same files) and sends only the
/// shards the ledger and a HEAD do not show already there. A finished conversion deletes its
/// state directory.
package enum RemoteConversion {
    /// Closed shards kept on local disk at once when `--scratch-limit` is not given: as a run's.
    package static let defaultScratchLimit = RunPublication.defaultScratchLimit
    /// Records written between looks at the scratch directory.
    static let checkEvery = 64

    /// The state directory of the conversion with `identity` into `output`:
    /// `HOME/converts/NAME-TAG`, NAME the prefix's last component.
    package static func stateDirectory(output: String, identity: String, home: PrefabHome) -> String {
        let name = (try? S3Location(parsing: output))?.name ?? "output"
        let tag = Digest.sha256Hex(Data("\(output)\n\(identity)".utf8)).prefix(12)
        return home.appending("converts/\(name.isEmpty ? "bucket" : name)-\(tag)")
    }

    /// Converts `input` (a local path) into the prefix `output`. `source`: the input as the
    /// command named it (an `s3://` input is read from a temporary copy), which with the options
    /// makes the conversion's identity; `storage`: encryption and addressing over the
    /// environment's settings.
    package static func convert(
        input: String, source: String? = nil, output: String, options: ShardWriterOptions, monitor: RunMonitor, force: Bool,
        scratchLimit: Int = defaultScratchLimit, storage: StorageConfiguration? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> (manifest: ShardManifest, outcome: S3Publisher.Outcome) {
        let destination = try S3Location(parsing: output)
        let client = try storage.client(environment: environment)
        // Converting the same input with the same options into the same prefix again is the
        // same dataset (it resumes); anything else is another dataset.
        let identity = Digest.sha256Hex(Data("\(options.configHash)\n\(source ?? input)".utf8))
        // Claimed before any local state is made: a wrong key or another dataset's prefix leaves nothing behind.
        try await S3Publisher(client: client, destination: destination, identity: identity, ledger: MemoryUploadLedger()).claim(force: force)
        let state = stateDirectory(output: output, identity: identity, home: PrefabHome.resolve(environment: environment))
        let ledger = try UploadLedgerFile(path: state + "/uploads.sqlite")
        let publisher = S3Publisher(client: client, destination: destination, identity: identity, ledger: ledger)
        let aborted = try await publisher.abortUnfinished()
        if let unchanged = unchangedDataset(input: input, options: options) {
            var outcome = try await publishUnchanged(input: input, files: unchanged.files, publisher: publisher, monitor: monitor, output: output)
            outcome.abortedUploads += aborted
            try? FileManager.default.removeItem(atPath: state)
            return (unchanged.manifest, outcome)
        }
        // A killed conversion's scratch holds shards it may not have finished: written again.
        let local = state + "/dataset"
        try? FileManager.default.removeItem(atPath: local)
        defer { try? FileManager.default.removeItem(atPath: local) }
        // One writer closes one shard at a time.
        let streamer = ShardStreamer(publisher: publisher, root: local, scratchLimit: scratchLimit, slack: 1)
        var observed = options
        observed.shardClosed = streamer.shardClosed
        let options = observed
        // The conversion is synchronous: it runs on its own thread and, every few records,
        // blocks there until the uploads have caught up.
        let manifest: ShardManifest = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let gate = UploadGate(streamer)
                do {
                    let manifest = try ShardConversion.convert(input: input, output: local, options: options, monitor: monitor) { written in
                        if written % checkEvery == 0 { gate.wait() }
                    }
                    try gate.failure.map { throw $0 }
                    continuation.resume(returning: manifest)
                } catch {
                    continuation.resume(throwing: gate.failure ?? error)
                }
            }
        }
        monitor.update { $0.phase = "uploading to \(output)" }
        try await streamer.drain()
        var outcome = try await publisher.publish(directory: local)
        let streamed = await streamer.outcome
        outcome.uploaded = streamed.uploaded + outcome.uploaded
        outcome.skipped = streamed.skipped + outcome.skipped
        outcome.abortedUploads += aborted
        // Done: nothing to resume.
        try? FileManager.default.removeItem(atPath: state)
        return (manifest, outcome)
    }
}

/// Lets a synchronous writer wait for `ShardStreamer.admit` from its own (non-cooperative)
/// thread. An upload failure is kept and stops the writer at its next wait.
private final class UploadGate: @unchecked Sendable {
    let streamer: ShardStreamer
    private let lock = NSLock()
    private var stored: (any Error)?

    init(_ streamer: ShardStreamer) { self.streamer = streamer }

    var failure: (any Error)? { lock.withLock { stored } }

    func wait() {
        guard failure == nil else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await streamer.admit() } catch { lock.withLock { stored = error } }
            done.signal()
        }
        done.wait()
    }
}
