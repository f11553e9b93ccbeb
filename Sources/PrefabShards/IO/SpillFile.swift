import Foundation

/// A scratch file for bytes that would otherwise pile up in memory, removed from its directory
/// as soon as it is opened: it is gone when closed, and a crash leaves nothing behind.
final class SpillFile {
    private let descriptor: Int32
    private let path: String
    private(set) var count = 0

    init(directory: String) throws(ShardError) {
        path = directory + "/.prefab-spill-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 { throw .io(path: path, operation: "create", errno: errno) }
        unlink(path)
    }

    deinit { close(descriptor) }

    func append(_ bytes: UnsafeRawBufferPointer) throws(ShardError) {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(count))
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            done += written
            count += written
        }
    }

    /// Passes everything written, in order, to `body` in pieces of up to `buffer.count` bytes.
    func readBack(using buffer: UnsafeMutableRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(ShardError) -> Void) throws(ShardError) {
        var offset = 0
        while offset < count {
            let got = pread(descriptor, buffer.baseAddress!, min(buffer.count, count - offset), off_t(offset))
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if got == 0 { throw .io(path: path, operation: "read (file shrank)", errno: EIO) }
            try body(UnsafeRawBufferPointer(start: buffer.baseAddress!, count: got))
            offset += got
        }
    }

    /// Empties the file for reuse.
    func reset() {
        ftruncate(descriptor, 0)
        count = 0
    }
}
