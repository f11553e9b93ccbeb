import Foundation
import PrefabStorage

/// Publishing a run's dataset to its `s3://` output (`RunSetup.outputLocation`).
///
/// Before the first call to a model the prefix is claimed (refused when it holds another
/// dataset, unless `--force`), so wrong credentials or a wrong prefix stop the run with nothing
/// paid and nothing journaled. Once the journal is open, the session's shards are uploaded as
/// they close (`ShardStreamer`, at most `scratchLimit` closed shards on local disk), each
/// finished object recorded with its ETag and size in the run journal (`JournalUploadLedger`);
/// when the session ends the last shards and then the index files go up (`S3Publisher`), so a
/// reader never sees an index naming a missing shard. A killed session's successor aborts the
/// multipart uploads it left open, verifies (HEAD) what the journal lists, and uploads the rest.
///
/// A partition (`--partition I/N`) streams the same way into its part's place in the layout
/// (`samples/part-00002-of-00004/…`, run files in `parts/00002-of-00004/`), its `partition.json`
/// going up when the session starts (`running`) and again after every other file of the part
/// when it ends, so `prefab merge` never takes a part for finished before its indexes are up.
/// Partitions of one run share the prefix and its identity marker side by side: each writes,
/// and aborts the leftover uploads of, only its own keys (`RunPartitionLayout.owns`).
struct RunPublication {
    /// Closed shards held on local disk at once when `--scratch-limit` is not given.
    static let defaultScratchLimit = 8

    let location: String
    let client: S3Client
    let destination: S3Location
    let identity: String
    /// The part of the run this process publishes; nil for the whole run.
    let partition: RunPartition?

    init(setup: RunSetup) throws(RunError) {
        location = setup.outputLocation ?? ""
        identity = setup.identity
        partition = setup.partition
        do {
            destination = try S3Location(parsing: location)
            client = try setup.configuration.storage.client(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw .output(path: location, reason: error.description)
        }
    }

    /// Claims the prefix (see the type's comment), then makes the checks a local output's
    /// `parts/` directory gets (`RunPartitionLayout`) on the prefix's `parts/`: a partition of
    /// another count, or a whole run over a split run's parts, is refused naming them.
    func claim(force: Bool) async throws(RunError) {
        let partsPrefix = destination.asPrefix.key + RunPartitionLayout.partsDirectory + "/"
        let names: Set<String>
        do {
            try await S3Publisher(client: client, destination: destination, identity: identity, ledger: MemoryUploadLedger()).claim(force: force)
            names = Set(try await client.listObjects(bucket: destination.bucket, prefix: partsPrefix).compactMap {
                $0.key.dropFirst(partsPrefix.count).split(separator: "/").first.map(String.init)
            })
        } catch {
            throw .output(path: location, reason: "\(error)")
        }
        let shownParts = S3Location(bucket: destination.bucket, key: partsPrefix).description
        if let partition {
            try RunPartitionLayout.refuseOtherCounts(partition, names: names, parts: String(shownParts.dropLast()), output: location)
        } else {
            try RunPartitionLayout.refuseWholeRun(names: names, output: location)
        }
    }

    /// The publisher recording into `journal`. `staged`: for files under the session's staging
    /// directory, which a partition lays out in its part's subdirectories only when it ends.
    func publisher(journal: RunJournal, staged: Bool = false) -> S3Publisher {
        var publisher = S3Publisher(client: client, destination: destination, identity: identity, ledger: journal.uploadLedger)
        if let partition {
            publisher.ownsKey = { RunPartitionLayout.owns($0, partition: partition) }
            if staged { publisher.keyForFile = { RunPartitionLayout.placedPath(ofShard: $0, partition: partition) } }
        }
        return publisher
    }

    /// A partition's `partition.json`, relative to the output.
    private var stateFile: String? {
        partition.map { "\(RunPartitionLayout.partsDirectory)/\($0.name)/\(RunPartitionLayout.stateName)" }
    }

    /// Uploads a partition's `partition.json` from `directory` (the local output): when a
    /// session starts, so the prefix shows the part as running (or killed), and as the last
    /// object of the part when it ends.
    func publishState(directory: String, journal: RunJournal) async throws(RunError) {
        guard let stateFile else { return }
        do {
            let publisher = publisher(journal: journal)
            let earlier = try await journal.uploadLedger.finished()[publisher.key(for: stateFile)]
            _ = try await publisher.uploadOne(directory + "/" + stateFile, relative: stateFile, earlier: earlier)
        } catch {
            throw .output(path: location, reason: "publishing \(stateFile): \(error)")
        }
    }

    /// Aborts what a killed session left open, then returns the streamer for this session's
    /// shards, written under `staging` (whose relative paths are the keys; a partition's go into
    /// their part's subdirectories).
    func streamer(journal: RunJournal, staging: String, scratchLimit: Int?, observe: (@Sendable (Int) -> Void)?) async throws(RunError) -> ShardStreamer {
        let publisher = publisher(journal: journal, staged: true)
        do {
            _ = try await publisher.abortUnfinished()
        } catch {
            throw .output(path: location, reason: "aborting unfinished uploads: \(error)")
        }
        // One prompt's records can close a shard in each of six writers at once (samples,
        // rated and one pairs split, each as JSONL.zst and MDS).
        return ShardStreamer(publisher: publisher, root: staging, scratchLimit: scratchLimit ?? Self.defaultScratchLimit, slack: 6, observe: observe)
    }

    /// Reads the stages of the local directory `root` whose uploaded shards are gone.
    func stageReader(root: String) -> StreamedStageReader {
        StreamedStageReader(client: client, root: root, destination: destination)
    }

    /// Uploads what `directory` (the local output) holds that is not up yet, index files last;
    /// for a partition, only its own files, `partition.json` the very last.
    func publish(directory: String, journal: RunJournal) async throws(RunError) -> S3Publisher.Outcome {
        let outcome: S3Publisher.Outcome
        do {
            // An earlier session's failures.jsonl, when nothing fails any more (a run writes
            // none then): the merge and readers would take it for this session's.
            let failures = (partition.map { "\(RunPartitionLayout.partsDirectory)/\($0.name)/" } ?? "") + RunPipeline.failuresName
            if !FileManager.default.fileExists(atPath: directory + "/" + failures) {
                try await client.deleteObject(bucket: destination.bucket, key: destination.asPrefix.key + failures)
            }
            guard let partition, let stateFile else {
                // Parts a partitioned run left in this machine's directory are not the whole run's.
                return try await publisher(journal: journal).publish(directory: directory) { RunPartitionLayout.isPartFile($0) }
            }
            outcome = try await publisher(journal: journal).publish(directory: directory) { relative in
                relative == stateFile || !RunPartitionLayout.owns(relative, partition: partition)
            }
        } catch {
            throw .output(path: location, reason: "publishing the dataset: \(error)")
        }
        try await publishState(directory: directory, journal: journal)
        return outcome
    }
}
