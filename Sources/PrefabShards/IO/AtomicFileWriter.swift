import Foundation

/// Writes a file under a temporary name in the destination directory, then, on `commit`,
/// fsyncs it, renames it into place and fsyncs the directory.
///
/// This is the whole of Prefab's crash safety: a file either exists complete under its final
/// name or not at all. A writer killed half-way leaves only a hidden `.NAME.tmp-…` file, which
/// readers ignore. Every stage writes its files through here (`write(_:to:)` for small ones),
/// and replaces whole output directories with `replaceDirectory(_:with:)`.
public final class AtomicFileWriter {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private var finished = false
    private(set) var bytesWritten = 0

    init(path: String) throws(ShardError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        temporaryPath = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw .io(path: temporaryPath, operation: "create", errno: errno) }
    }

    deinit {
        if !finished { discard() }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ShardError) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Foundation.write(descriptor, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            pointer += written
            remaining -= written
            bytesWritten += written
        }
    }

    func write(_ bytes: [UInt8]) throws(ShardError) {
        let result: Result<Void, ShardError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ShardError) in try write(raw) }
        }
        try result.get()
    }

    /// Makes the file durable under its final name.
    func commit() throws(ShardError) {
        precondition(!finished, "commit after finish")
        finished = true
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            unlink(temporaryPath)
            throw .io(path: path, operation: "fsync", errno: code)
        }
        close(descriptor)
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw .io(path: path, operation: "rename into place", errno: code)
        }
        try Self.syncDirectory(of: path)
    }

    /// Removes the temporary file.
    func discard() {
        guard !finished else { return }
        finished = true
        close(descriptor)
        unlink(temporaryPath)
    }

    /// fsyncs the directory holding `path`, so a rename in it survives a crash.
    public static func syncDirectory(of path: String) throws(ShardError) {
        try sync(directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// fsyncs `directory` itself.
    public static func sync(directory: String) throws(ShardError) {
        let handle = open(directory, O_RDONLY | O_CLOEXEC)
        if handle < 0 { throw .io(path: directory, operation: "open directory", errno: errno) }
        defer { close(handle) }
        if fsync(handle) != 0, errno != EINVAL { throw .io(path: directory, operation: "fsync directory", errno: errno) }
    }

    /// Writes a small file atomically in one go (index.json, manifest.json, summaries, reports).
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(ShardError) {
        let file = try AtomicFileWriter(path: path)
        let result: Result<Void, ShardError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ShardError) in try file.write(UnsafeRawBufferPointer(buffer)) }
        }
        if let result { try result.get() } else { try file.write(Array(bytes)) }
        try file.commit()
    }

    /// Puts the complete directory `new` where `target` is, so readers see the old directory or
    /// the new one and never a mix: the old one is moved aside first and removed only once the
    /// new one is in place, and the parent is fsynced so the swap survives a crash.
    public static func replaceDirectory(_ target: String, with new: String) throws(ShardError) {
        let manager = FileManager.default
        let url = URL(fileURLWithPath: target).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let aside = parent + "/." + url.lastPathComponent + ".old-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let existed = manager.fileExists(atPath: url.path)
        if existed, rename(url.path, aside) != 0 {
            throw .io(path: url.path, operation: "move the old output aside", errno: errno)
        }
        guard rename(new, url.path) == 0 else {
            let code = errno
            if existed { rename(aside, url.path) }
            throw .io(path: url.path, operation: "move the new output into place", errno: code)
        }
        try sync(directory: parent)
        if existed { try? manager.removeItem(atPath: aside) }
    }
}
