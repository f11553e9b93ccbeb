import Foundation

/// A file opened for reading with plain POSIX calls: sequential reads into caller buffers, and
/// positioned reads for seek tables and footers. No Foundation buffering in the way.
final class ReadableFile {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws(ShardError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { throw .notFound(path: path) }
            throw .io(path: path, operation: "open", errno: errno)
        }
        var info = stat()
        if fstat(descriptor, &info) != 0 {
            let code = errno
            close(descriptor)
            throw .io(path: path, operation: "stat", errno: code)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw .io(path: path, operation: "read", errno: EISDIR)
        }
        size = Int(info.st_size)
        #if os(Linux)
        posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes at the current position; 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ShardError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = Foundation.read(descriptor, base, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .io(path: path, operation: "read", errno: errno)
        }
    }

    /// Fills `buffer` from the current position, short only at end of file.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(ShardError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }

    func seek(to offset: Int) throws(ShardError) {
        if lseek(descriptor, off_t(offset), SEEK_SET) < 0 { throw .io(path: path, operation: "seek", errno: errno) }
    }

    /// Exactly `count` bytes at `offset`; throws `truncated` when the file is shorter.
    func read(count: Int, at offset: Int) throws(ShardError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var total = 0
        let descriptor = self.descriptor
        while total < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + total, count - total, off_t(offset + total))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if got == 0 { throw .truncated(path: path, reason: "expected \(count) bytes at offset \(offset), file has \(size)") }
            total += got
        }
        return bytes
    }

    /// The whole file (small files: indexes, manifests).
    static func contents(of path: String) throws(ShardError) -> [UInt8] {
        let file = try ReadableFile(path: path)
        return try file.read(count: file.size, at: 0)
    }
}

extension ReadableFile {
    /// The JSON object in the index file at `path` (an MDS `index.json`, a `manifest.json`):
    /// one home for reading one and for how a broken one is reported.
    static func indexObject(at path: String) throws(ShardError) -> JSONObject {
        let bytes = try contents(of: path)
        do {
            return try JSONObject(parsing: bytes)
        } catch {
            throw .invalidIndex(path: path, reason: "invalid JSON: \(error)")
        }
    }
}
