import Foundation
import Prefab

/// An input path as a command reads it: a local path as given, or an `s3://` object or prefix
/// downloaded (ranged GETs) into a temporary directory that `remove()` deletes.
struct CommandInput {
    let path: String
    private let temporary: String?

    /// `storage`: the command's addressing choice over the environment's.
    init(_ path: String, label: String, storage: StorageConfiguration? = nil) async throws {
        guard RemoteInput.isRemote(path) else {
            self.path = path
            temporary = nil
            return
        }
        let directory = RemoteInput.temporaryDirectory(label)
        do {
            self.path = try await RemoteInput.localize(path, into: directory, storage: storage)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        temporary = directory
    }

    func remove() {
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }
}
