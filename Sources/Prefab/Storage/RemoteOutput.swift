import Foundation
import PrefabShards
import PrefabStorage

/// A command's output at an `s3://` prefix (`prefab pairs --out`, `prefab judge --out`): the
/// prefix is claimed before any work (so wrong credentials or a prefix holding something else
/// fail at once, nothing paid), the command writes into a local temporary directory as it
/// would write any output, and the result is published shards first, index files last
/// (`S3Publisher`), as `prefab convert` does.
///
/// The identity marker is the command line's digest: running the same command into the same
/// prefix again replaces its own output; anything else there is refused unless `force`.
package struct RemoteOutput: Sendable {
    package let location: String
    /// Where the command writes: absent until it does.
    package let localDirectory: String
    private let scratch: String
    private let publisher: S3Publisher

    /// Claims `location` (see the type's comment); `command` names what writes it, for the
    /// marker; `storage`: encryption and addressing over the environment's settings.
    package static func claim(
        _ location: String, command: [String], force: Bool, storage: StorageConfiguration? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> RemoteOutput {
        let destination = try S3Location(parsing: location)
        let client = try storage.client(environment: environment)
        let identity = Digest.sha256Hex(Data(command.joined(separator: "\u{1F}").utf8))
        let publisher = S3Publisher(client: client, destination: destination, identity: identity, ledger: MemoryUploadLedger())
        // The same command again is the same dataset: it replaces what an earlier try left.
        try await publisher.claim(force: force)
        let scratch = RemoteInput.temporaryDirectory("output")
        return RemoteOutput(location: location, localDirectory: scratch + "/dataset", scratch: scratch, publisher: publisher)
    }

    /// Uploads what the command wrote.
    package func publish() async throws -> S3Publisher.Outcome {
        try await publisher.publish(directory: localDirectory)
    }

    /// Deletes the local copy.
    package func remove() {
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
