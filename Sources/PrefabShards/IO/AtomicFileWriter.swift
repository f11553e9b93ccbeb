import Foundation

/// Writes a file under a temporary name in the destination directory, then, on `commit`,
/// fsyncs it, renames it into place and fsyncs the directory.
///
/// This is the whole of Prefab's crash safety: a file either exists complete under its final
/// name or not at all. A writer killed half-way leaves only a hidden `.NAME.tmp-…` file, which
/// readers ignore.
final class AtomicFileWriter {
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
    static func syncDirectory(of path: String) throws(ShardError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let handle = open(directory, O_RDONLY | O_CLOEXEC)
        if handle < 0 { throw .io(path: directory, operation: "open directory", errno: errno) }
        defer { close(handle) }
        if fsync(handle) != 0, errno != EINVAL { throw .io(path: directory, operation: "fsync directory", errno: errno) }
    }

    /// Writes a small file atomically in one go (index.json, manifest.json).
    static func write(_ bytes: [UInt8], to path: String) throws(ShardError) {
        let file = try AtomicFileWriter(path: path)
        try file.write(bytes)
        try file.commit()
    }
}
