import ArgumentParser
import Foundation
import Prefab

/// An output directory as a command writes it: a local path as given, or an `s3://` prefix
/// claimed first, written in a temporary directory, then published by `publish()`
/// (`RemoteOutput`). Call `remove()` when done either way.
struct CommandOutput {
    /// Where the command writes.
    let path: String
    private let remote: RemoteOutput?

    /// `storage`: encryption and addressing for an `s3://` output, over the environment's.
    init(_ path: String, force: Bool, storage: StorageConfiguration? = nil) async throws {
        if let problem = RemoteInput.problem(path) { throw ValidationError(problem) }
        guard RemoteInput.isRemote(path) else {
            self.path = path
            remote = nil
            return
        }
        // The marker names the command by its arguments, not by where its binary lies: the same
        // command from an installed `prefab` or a build directory replaces its own output. How
        // the objects are stored (encryption, addressing) is not what they hold: left out.
        let command = ObjectStorageOptions.withoutStorageFlags(Array(CommandLine.arguments.dropFirst()))
        let remote = try await RemoteOutput.claim(path, command: command, force: force, storage: storage)
        self.path = remote.localDirectory
        self.remote = remote
    }

    /// Uploads an `s3://` output (shards first, index files last); nothing for a local one.
    func publish() async throws {
        guard let remote else { return }
        _ = try await remote.publish()
    }

    func remove() {
        remote?.remove()
    }
}
