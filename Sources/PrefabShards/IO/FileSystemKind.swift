import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What kind of filesystem holds a path, as far as SQLite cares: local, or shared over a
/// network (NFS, Lustre, SMB, Ceph, GPFS, BeeGFS, FUSE mounts such as object-store gateways).
///
/// SQLite's WAL mode keeps its index in shared memory (`-shm`, mmap), which network
/// filesystems do not share between machines and often do not map coherently even for one;
/// SQLite's own documentation says WAL does not work over a network filesystem. A database
/// there uses a rollback journal instead (`journal_mode=DELETE`), which needs only the POSIX
/// locks such filesystems provide.
public enum FileSystemKind: Sendable, Equatable, CustomStringConvertible {
    case local
    /// `name` as recognised (`nfs`, `lustre`, ...).
    case network(name: String)

    /// Filesystem type names (as `/proc/self/mounts` and macOS `statfs` write them) of shared
    /// filesystems; any `fuse*` mount counts too (sshfs, s3fs, gcsfuse: a rollback journal
    /// works wherever WAL does, only slower, so the doubtful cases take it).
    public static let networkTypes: Set<String> = [
        "nfs", "nfs4", "lustre", "cifs", "smb3", "smbfs", "ceph", "gpfs", "beegfs", "9p", "afs", "glusterfs", "panfs",
        "wekafs", "afpfs", "webdav", "fuse", "macfuse",
    ]

    /// The kind for a filesystem type name.
    public init(typeName: String) {
        let name = typeName.lowercased()
        self = Self.networkTypes.contains(name) || name.hasPrefix("fuse") ? .network(name: name) : .local
    }

    /// The filesystem holding `path`, or the nearest existing directory above it (a database
    /// not created yet lives where its directory is). Local when it cannot be told.
    public static func of(_ path: String) -> FileSystemKind {
        var probe = URL(fileURLWithPath: path).standardizedFileURL.path
        while !FileManager.default.fileExists(atPath: probe), probe != "/" {
            probe = (probe as NSString).deletingLastPathComponent
            if probe.isEmpty { probe = "/" }
        }
        probe = URL(fileURLWithPath: probe).resolvingSymlinksInPath().path
        #if os(Linux)
        // The mount table, not statfs(2): Glibc's module does not export statfs, and the table
        // names the type the way users know it (nfs4, lustre, fuse.s3fs).
        guard let table = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return .local }
        return kind(of: probe, mountTable: table)
        #else
        var info = statfs()
        guard statfs(probe, &info) == 0 else { return .local }
        let name = withUnsafeBytes(of: info.f_fstypename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return FileSystemKind(typeName: name)
        #endif
    }

    /// The kind of the longest mount point holding `path`, from `/proc/self/mounts` text
    /// (`device mountpoint type options 0 0`, spaces in paths written `\040`).
    public static func kind(of path: String, mountTable: String) -> FileSystemKind {
        var best: (length: Int, type: String)?
        for line in mountTable.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mountPoint = fields[1].replacingOccurrences(of: "\\040", with: " ")
            let holds = mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
            if holds, mountPoint.count >= (best?.length ?? -1) { best = (mountPoint.count, String(fields[2])) }
        }
        return best.map { FileSystemKind(typeName: $0.type) } ?? .local
    }

    public var isNetwork: Bool {
        if case .network = self { return true }
        return false
    }

    /// The SQLite `journal_mode` to use here.
    public var sqliteJournalMode: String { isNetwork ? "DELETE" : "WAL" }

    public var description: String {
        switch self {
        case .local: "local"
        case .network(let name): name
        }
    }
}
