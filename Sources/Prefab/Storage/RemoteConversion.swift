import Foundation
import PrefabShards
import PrefabStorage

/// `prefab convert` into an `s3://` prefix: the prefix is claimed first (so a wrong key or a
/// prefix holding something else fails before any work), the dataset is written into a local
/// scratch directory, then published shards first and index files last (`S3Publisher`).
package enum RemoteConversion {
    package static func convert(
        input: String, output: String, options: ShardWriterOptions, monitor: RunMonitor, force: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> (manifest: ShardManifest, outcome: S3Publisher.Outcome) {
        let destination = try S3Location(parsing: output)
        let client = try S3Client.fromEnvironment(environment)
        // Converting the same input with the same options into the same prefix again is the
        // same dataset (it resumes); anything else is another dataset.
        let identity = Digest.sha256Hex(Data("\(options.configHash)\n\(input)".utf8))
        let publisher = S3Publisher(client: client, destination: destination, identity: identity, ledger: MemoryUploadLedger())
        try await publisher.claim(force: force)
        let scratch = RemoteInput.temporaryDirectory("convert")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let local = scratch + "/dataset"
        let manifest = try ShardConversion.convert(input: input, output: local, options: options, monitor: monitor)
        monitor.update { $0.phase = "uploading to \(output)" }
        let outcome = try await publisher.publish(directory: local)
        return (manifest, outcome)
    }
}
