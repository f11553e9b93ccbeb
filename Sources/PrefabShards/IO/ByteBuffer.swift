/// A growable run of bytes that C code can write into directly (zstd's output), without the
/// zero-fill or the extra copy an `[UInt8]` would need. Not thread-safe; freed with the buffer.
final class ByteBuffer {
    private(set) var count = 0
    private(set) var capacity = 0
    private var start: UnsafeMutableRawPointer?

    deinit { start?.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

    /// Room for at least `size` more bytes after `count`: write there, then `commit` what was written.
    func reserveFree(_ size: Int) -> UnsafeMutableRawBufferPointer {
        if capacity - count < size {
            let newCapacity = max(count + size, capacity * 2, 1 << 16)
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            if let start {
                grown.copyMemory(from: start, byteCount: count)
                start.deallocate()
            }
            start = grown
            capacity = newCapacity
        }
        return UnsafeMutableRawBufferPointer(start: start! + count, count: capacity - count)
    }

    func commit(_ written: Int) {
        precondition(written >= 0 && count + written <= capacity)
        count += written
    }

    /// Empties the buffer, keeping its memory.
    func removeAll() { count = 0 }
}
