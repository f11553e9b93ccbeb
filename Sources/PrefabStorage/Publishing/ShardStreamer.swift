import Foundation

/// Uploads a dataset's shards while it is still being written, so local disk holds a bounded
/// number of them (`scratchLimit`) instead of the whole dataset.
///
/// The shard writers write each shard under a hidden temporary name and rename it when it is
/// complete, so a shard file under its own name in `root` is closed: the streamer finds those
/// (`scan`), uploads them in the order they closed (by name: writers number their shards), at
/// most `fileConcurrency` at once, records each in the ledger and deletes the local copy. The
/// index files are not its business: the publisher uploads them after the last shard
/// (`S3Publisher.publish`), so a reader never finds an index naming a missing shard.
///
/// Writers cut shards deterministically from the records in order, so a resumed session that
/// writes the journal's records again makes the same files: the ledger (SHA-256, then a HEAD
/// for size and ETag) shows those already uploaded, and only the local copy is deleted.
package actor ShardStreamer {
    package let publisher: S3Publisher
    /// The local directory whose paths, relative to it, are the keys under the destination.
    package let root: String
    /// Closed shards kept on local disk at most (waiting for or being uploaded).
    package let scratchLimit: Int
    /// Shards one write can close at once (one per writer): `admit` keeps this much room.
    package let slack: Int
    package var fileConcurrency = 2

    private var earlier: [String: UploadRecord]?
    private var known: Set<String> = []
    /// Every shard a writer has named (see `admit(open:)`), those not uploaded yet in order,
    /// and the ones open now.
    private var named: Set<String> = []
    private var namedOrder: [String] = []
    private var openNow: Set<String> = []
    private var queue: [String] = []
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var failure: (any Error)?
    /// What was sent and what was found already there.
    package private(set) var outcome = S3Publisher.Outcome()
    /// The most closed shard files a scan ever found on local disk at once.
    package private(set) var peakHeld = 0
    /// Called with the closed shard files found on local disk at every scan (tests observe
    /// the directory through it).
    private let observe: @Sendable (Int) -> Void

    package init(publisher: S3Publisher, root: String, scratchLimit: Int, slack: Int = 0, observe: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.publisher = publisher
        self.root = root
        self.scratchLimit = max(1, scratchLimit)
        self.slack = slack
        self.observe = observe
    }

    /// Closed shards on local disk now: queued or being uploaded.
    package var held: Int { queue.count + inFlight }

    /// Finds newly closed shards, starts their uploads, then waits until local disk holds few
    /// enough that the next write (which can close `slack` more) stays within `scratchLimit`.
    /// Throws the first upload failure.
    ///
    /// `open`: the shards the writers are filling now (relative to `root`), when the caller
    /// knows them. A writer that closes a shard may still be finishing it in the background
    /// (MDS compresses on other threads), so the file can appear after this look; counting
    /// every shard a writer has moved past instead of the files present keeps the count exact.
    package func admit(open: [String]? = nil) async throws {
        if let open {
            for shard in open where !named.contains(shard) {
                named.insert(shard)
                namedOrder.append(shard)
            }
            openNow = Set(open)
        }
        try scan()
        let room = max(0, scratchLimit - slack)
        var waitedForFiles = 0
        while pending > room {
            if let failure { throw failure }
            if inFlight == 0, queue.isEmpty {
                // Closed, but its file is not there yet (a writer still finishing it). A name
                // that never turns into a file must not stop the run: after a minute it no
                // longer counts.
                waitedForFiles += 1
                if waitedForFiles > 12_000 {
                    namedOrder.removeAll { !openNow.contains($0) }
                    break
                }
                try? await Task.sleep(for: .milliseconds(5))
                try scan()
            } else {
                await nextCompletion()
            }
        }
        if let failure { throw failure }
    }

    /// Closed shards not yet uploaded: those the writers moved past (when told), else the
    /// files found.
    private var pending: Int {
        guard !named.isEmpty else { return held }
        return max(held, namedOrder.filter { !openNow.contains($0) }.count)
    }

    /// Uploads every closed shard found now and waits for all of them.
    package func drain() async throws {
        try scan()
        while held > 0 {
            if let failure { throw failure }
            await nextCompletion()
        }
        if let failure { throw failure }
    }

    private func nextCompletion() async {
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Lists the closed shard files under `root` not seen before and queues them.
    private func scan() throws {
        var found: [String] = []
        var present = 0
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: root) else { return }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            guard S3Publisher.isShard(relative) else { continue }
            present += 1
            if !known.contains(relative) { found.append(relative) }
        }
        for relative in found.sorted() {
            known.insert(relative)
            queue.append(relative)
        }
        peakHeld = max(peakHeld, present)
        observe(present)
        startUploads()
    }

    private func startUploads() {
        while inFlight < max(1, fileConcurrency), failure == nil, !queue.isEmpty {
            let relative = queue.removeFirst()
            inFlight += 1
            Task { await self.upload(relative) }
        }
    }

    private func upload(_ relative: String) async {
        do {
            if earlier == nil { earlier = try await publisher.ledger.finished() }
            let key = publisher.key(for: relative)
            let path = root + "/" + relative
            let (record, sent) = try await publisher.uploadOne(path, relative: relative, earlier: earlier?[key])
            if sent { outcome.uploaded.append(record) } else { outcome.skipped.append(record) }
            try? FileManager.default.removeItem(atPath: path)
            namedOrder.removeAll { $0 == relative }
        } catch {
            if failure == nil { failure = error }
        }
        inFlight -= 1
        startUploads()
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }
}
