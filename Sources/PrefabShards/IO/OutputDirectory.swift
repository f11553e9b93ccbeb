import Foundation

/// Prepares a writer's output directory: created when missing, refused when it already holds
/// files (a writer never mixes its shards with someone else's).
enum OutputDirectory {
    static func prepare(_ path: String) throws(ShardError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .outputExists(path: path) }
            let contents: [String]
            do {
                contents = try manager.contentsOfDirectory(atPath: path)
            } catch {
                throw .io(path: path, operation: "list", errno: EACCES)
            }
            if !contents.isEmpty { throw .outputExists(path: path) }
            return
        }
        try makeDirectories(path)
    }

    /// `mkdir -p` with the failing errno kept for the message.
    private static func makeDirectories(_ path: String) throws(ShardError) {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if parent != path, !FileManager.default.fileExists(atPath: parent) {
            try makeDirectories(parent)
        }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw .io(path: path, operation: "create directory", errno: errno)
        }
    }
}
