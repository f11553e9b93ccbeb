import Foundation

/// glibc allocator settings for a process that runs for hours: `prefab run` frees as much as it
/// allocates, yet without these its resident memory creeps up with the number of prompts.
///
/// glibc gives each thread that contends for the heap an arena of its own (up to eight per
/// core) and serves blocks above a threshold that adapts upwards (up to 32 MiB) from those
/// arenas instead of `mmap`. A long run on many threads, with buffers of 1 MiB and more (shard
/// frames and chunks, zstd's), leaves holes in every arena that are never returned. Two arenas
/// and a fixed 256 KiB `mmap` threshold keep big buffers out of the arenas (freed, they go
/// straight back to the system) and the holes few. The functions are looked up at run time:
/// Swift's Glibc module does not import `malloc.h`. Elsewhere they do nothing.
package enum ProcessMemory {
    /// Applies the settings; call once, early (`prefab run` does before it starts).
    package static func configureForLongRuns() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let arenaMax: Int32 = -8, mmapThreshold: Int32 = -3  // M_ARENA_MAX, M_MMAP_THRESHOLD
        _ = mallopt(arenaMax, 2)
        _ = mallopt(mmapThreshold, 256 << 10)
        #endif
    }

    /// Hands freed heap pages back to the system (glibc's `malloc_trim`).
    package static func releaseFree() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }
}
