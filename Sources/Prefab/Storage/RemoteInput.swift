import Foundation
import PrefabShards
import PrefabStorage

/// Paths that name object storage (`s3://bucket/key`), wherever a command or config takes a
/// path: recognised before anything resolves them as local paths (which once turned
/// `output: s3://bucket/run` into a local directory named `s3:`), and brought to local disk
/// for readers that open files.
package enum RemoteInput {
    /// Whether `path` names object storage.
    package static func isRemote(_ path: String) -> Bool {
        S3Location.isS3(path)
    }

    /// Why `path` cannot be used, when it looks like a URL Prefab does not read: a scheme other
    /// than `s3://`, or a malformed `s3://` location. Nil for local paths and good locations.
    package static func problem(_ path: String) -> String? {
        if isRemote(path) {
            do {
                _ = try S3Location(parsing: path)
                return nil
            } catch {
                return error.description
            }
        }
        if let scheme = path.range(of: "://"), !path[..<scheme.lowerBound].contains("/") {
            let name = path[..<scheme.lowerBound]
            return "'\(path)': \(name):// locations are not supported; use s3:// (GCS, R2, MinIO and Ceph offer S3 interfaces: set AWS_ENDPOINT_URL) or a local path"
        }
        return nil
    }

    /// The local directory a run with an `s3://` output builds its dataset in: beside the run
    /// journals, one per location.
    package static func stagingDirectory(for location: String, cachePath: String) -> String {
        let directory = (cachePath as NSString).deletingLastPathComponent
        let name = (try? S3Location(parsing: location))?.name ?? "output"
        let tag = Digest.sha256Hex(Data(location.utf8)).prefix(12)
        return "\(directory)/runs/\(name.isEmpty ? "bucket" : name)-\(tag)-s3"
    }

    /// Downloads an `s3://` object or prefix into `directory` (see `S3Download`) and returns
    /// the local path to open; a local path comes back unchanged. `storage`: a config's or the
    /// command's choices (addressing style) over the environment's.
    package static func localize(
        _ path: String, into directory: String, storage: StorageConfiguration? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> String {
        guard isRemote(path) else { return path }
        let location = try S3Location(parsing: path)
        let client = try storage.client(environment: environment)
        try? FileManager.default.removeItem(atPath: directory)
        return try await S3Download.materialize(location, client: client, into: directory)
    }

    /// A fresh temporary directory for a command's downloaded input.
    package static func temporaryDirectory(_ label: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("prefab-\(label)-\(UUID().uuidString)").path
    }
}
