import Foundation
import PrefabLLM
import PrefabShards

/// Uploads a dataset's shards while it is still being written, so local disk holds a bounded
/// number of them (`scratchLimit`) instead of the whole dataset.
///
/// The shard writers report each shard the moment its file is complete under its own name
/// (`shardClosed`, given to the writers in `ShardWriterOptions`): the streamer queues it, uploads
/// the queue in the order the shards closed, at most `fileConcurrency` files at once, records
/// each in the ledger and deletes the local copy. It never looks at the directory to find them
/// (a scan after every record costs more as the dataset grows, and a shard a writer's background
/// queue is still finishing is not there yet, so a scan had to be repeated until it was). The
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

    /// Shards reported closed and not yet taken by the actor. The writers report from their
    /// own threads; taking the inbox synchronously in `admit` and `drain` (rather than hopping
    /// through a task) means a shard a writer finished before those calls is always seen.
    private nonisolated let inbox = Locked(Inbox())
    private struct Inbox {
        var shards: [ShardClosedObserver.Shard] = []
        /// After `drain(final: true)`: later reports are the publisher's to upload.
        var closed = false
    }

    private var earlier: [String: UploadRecord]?
    private var known: Set<String> = []
    /// Every shard a writer has named (see `admit(open:)`), those not uploaded yet in order,
    /// and the ones open now.
    private var named: Set<String> = []
    private var namedOrder: [String] = []
    private var openNow: Set<String> = []
    private var queue: [(relative: String, shard: ShardClosedObserver.Shard)] = []
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var failure: (any Error)?
    /// What was sent and what was found already there.
    package private(set) var outcome = S3Publisher.Outcome()
    /// The most closed shard files `observe` was ever told of at once.
    package private(set) var peakHeld = 0
    /// When given: told at every `admit` how many closed shard files are on local disk, by
    /// looking at the directory (tests observe the scratch limit through it; only they pay for
    /// the look).
    private let observe: (@Sendable (Int) -> Void)?

    package init(
        publisher: S3Publisher, root: String, scratchLimit: Int, slack: Int = 0, observe: (@Sendable (Int) -> Void)? = nil
    ) {
        self.publisher = publisher
        self.root = root
        self.scratchLimit = max(1, scratchLimit)
        self.slack = slack
        self.observe = observe
    }

    /// What the shard writers are given (`ShardWriterOptions.shardClosed`): each report queues
    /// the shard and wakes the streamer, which starts its upload at once.
    package nonisolated var shardClosed: ShardClosedObserver {
        ShardClosedObserver { [weak self] shard in
            guard let self else { return }
            let accepted = self.inbox.withLock { inbox in
                guard !inbox.closed else { return false }
                inbox.shards.append(shard)
                return true
            }
            if accepted { Task { await self.collect() } }
        }
    }

    /// Closed shards on local disk now: queued or being uploaded.
    package var held: Int { queue.count + inFlight }

    /// Starts the uploads of the shards closed since the last call, then waits until local disk
    /// holds few enough that the next write (which can close `slack` more) stays within
    /// `scratchLimit`. Returns at once while there is room, so uploads overlap the writing.
    /// Throws the first upload failure.
    ///
    /// `open`: the shards the writers are filling now (relative to `root`), when the caller
    /// knows them. A writer that closes a shard may still be finishing it in the background
    /// (MDS compresses on other threads), so its report can come after this call; counting
    /// every shard a writer has moved past instead of the shards reported keeps the count exact.
    package func admit(open: [String]? = nil) async throws {
        if let open {
            for shard in open where !named.contains(shard) {
                named.insert(shard)
                namedOrder.append(shard)
            }
            openNow = Set(open)
        }
        collect()
        if let observe { observeDisk(observe) }
        let room = max(0, scratchLimit - slack)
        let started = ContinuousClock.now
        while pending > room {
            if let failure { throw failure }
            if inFlight == 0, queue.isEmpty {
                // Closed, but not reported yet (a writer still finishing it). A name that never
                // turns into a file must not stop the run: after a minute it no longer counts.
                if ContinuousClock.now - started > .seconds(60) {
                    namedOrder.removeAll { !openNow.contains($0) }
                    break
                }
                await nextEvent(orAfter: .seconds(1))
            } else {
                await nextEvent()
            }
        }
        if let failure { throw failure }
    }

    /// Closed shards not yet uploaded: those the writers moved past (when told), else those
    /// reported.
    private var pending: Int {
        guard !named.isEmpty else { return held }
        let open = openNow
        return max(held, namedOrder.count { !open.contains($0) })
    }

    /// Uploads every shard reported so far and waits for all of them. `final`: the writers are
    /// about to finish and their last shards are left to the publisher (the session moves its
    /// files into place first), so later reports are ignored.
    package func drain(final: Bool = false) async throws {
        if final { inbox.withLock { $0.closed = true } }
        collect()
        while held > 0 {
            if let failure { throw failure }
            await nextEvent()
        }
        if let failure { throw failure }
    }

    private func nextEvent(orAfter timeout: Duration? = nil) async {
        if let timeout {
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.wake()
            }
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func wake() {
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    /// Queues the shards reported since the last look, starts their uploads and wakes `admit`.
    private func collect() {
        let reported = inbox.withLock { inbox in
            defer { inbox.shards.removeAll() }
            return inbox.shards
        }
        guard !reported.isEmpty else { return }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        for shard in reported where shard.path.hasPrefix(prefix) {
            let relative = String(shard.path.dropFirst(prefix.count))
            guard known.insert(relative).inserted else { continue }
            queue.append((relative, shard))
        }
        startUploads()
        wake()
    }

    /// Counts the closed shard files under `root` (hidden names are a writer's files in
    /// progress) and tells `observe`.
    private func observeDisk(_ observe: @Sendable (Int) -> Void) {
        var present = 0
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            if S3Publisher.isShard(relative) { present += 1 }
        }
        peakHeld = max(peakHeld, present)
        observe(present)
    }

    private func startUploads() {
        while inFlight < max(1, fileConcurrency), failure == nil, !queue.isEmpty {
            let (relative, shard) = queue.removeFirst()
            inFlight += 1
            Task { await self.upload(shard, as: relative) }
        }
    }

    private func upload(_ shard: ShardClosedObserver.Shard, as relative: String) async {
        do {
            if earlier == nil { earlier = try await publisher.ledger.finished() }
            let key = publisher.key(for: relative)
            let (record, sent) = try await publisher.uploadOne(
                shard.path, relative: relative, earlier: earlier?[key], sha256: shard.sha256)
            if sent { outcome.uploaded.append(record) } else { outcome.skipped.append(record) }
            try? FileManager.default.removeItem(atPath: shard.path)
            namedOrder.removeAll { $0 == relative }
        } catch {
            if failure == nil { failure = error }
        }
        inFlight -= 1
        startUploads()
        wake()
    }
}
