/// A counting semaphore for the request bodies one `S3Client` holds in memory while uploading.
///
/// Shared by every upload of the client, not one per file: memory stays at
/// `partSize × partConcurrency` however many files go up at once, and the slots a finished
/// file gives back go straight to the next file's parts, so a file waiting on S3 to assemble
/// its parts (CompleteMultipartUpload, seconds for a large object) never leaves the connection
/// idle. Waiters are served first come, first served, so files finish in the order they began.
actor UploadSlots {
    private let limit: Int
    private var used = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func acquire() async {
        if used < limit {
            used += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Hands the slot to the longest waiter, or frees it.
    func release() {
        if waiters.isEmpty {
            used -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding a slot.
    func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            release()
            return value
        } catch {
            release()
            throw error
        }
    }
}
