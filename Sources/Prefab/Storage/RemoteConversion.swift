import Dispatch
import Foundation
import PrefabShards
import PrefabStorage

/// `prefab convert` into an `s3://` prefix: the prefix is claimed first (so a wrong key or a
/// prefix holding something else fails before any work), then the dataset is written into a
/// local scratch directory whose shards go up as they close and are deleted once uploaded
/// (`ShardStreamer`, at most `scratchLimit` closed shards on disk: the conversion waits for the
/// uploads when it gets that far ahead), and the index files go up last (`S3Publisher`).
package enum RemoteConversion {
    /// Closed shards kept on local disk at once.
    package static let defaultScratchLimit = 2
    /// Records written between looks at the scratch directory.
    static let checkEvery = 64

    package static func convert(
        input: String, output: String, options: ShardWriterOptions, monitor: RunMonitor, force: Bool,
        scratchLimit: Int = defaultScratchLimit, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> (manifest: ShardManifest, outcome: S3Publisher.Outcome) {
        let destination = try S3Location(parsing: output)
        let client = try S3Client.fromEnvironment(environment)
        // Converting the same input with the same options into the same prefix again is the
        // same dataset (it resumes); anything else is another dataset.
        let identity = Digest.sha256Hex(Data("\(options.configHash)\n\(input)".utf8))
        let publisher = S3Publisher(client: client, destination: destination, identity: identity, ledger: MemoryUploadLedger())
        try await publisher.claim(force: force)
        if let unchanged = unchangedDataset(input: input, options: options) {
            let outcome = try await publishUnchanged(input: input, files: unchanged.files, publisher: publisher, monitor: monitor, output: output)
            return (unchanged.manifest, outcome)
        }
        let scratch = RemoteInput.temporaryDirectory("convert")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let local = scratch + "/dataset"
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
