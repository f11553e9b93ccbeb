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
struct RunPublication {
    /// Closed shards held on local disk at once when `--scratch-limit` is not given.
    static let defaultScratchLimit = 8

    let location: String
    let client: S3Client
    let destination: S3Location
    let identity: String

    init(setup: RunSetup) throws(RunError) {
        location = setup.outputLocation ?? ""
        identity = setup.identity
        do {
            destination = try S3Location(parsing: location)
            client = try S3Client.fromEnvironment { setup.configuration.storage?.apply(to: &$0) }
        } catch {
            throw .output(path: location, reason: error.description)
        }
    }

    func claim(force: Bool) async throws(RunError) {
        do {
            try await S3Publisher(client: client, destination: destination, identity: identity, ledger: MemoryUploadLedger()).claim(force: force)
        } catch {
            throw .output(path: location, reason: "\(error)")
        }
    }

    /// The publisher recording into `journal`.
    func publisher(journal: RunJournal) -> S3Publisher {
        S3Publisher(client: client, destination: destination, identity: identity, ledger: journal.uploadLedger)
    }

    /// Aborts what a killed session left open, then returns the streamer for this session's
    /// shards, written under `staging` (whose relative paths are the keys).
    func streamer(journal: RunJournal, staging: String, scratchLimit: Int?, observe: (@Sendable (Int) -> Void)?) async throws(RunError) -> ShardStreamer {
        let publisher = publisher(journal: journal)
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

    func publish(directory: String, journal: RunJournal) async throws(RunError) -> S3Publisher.Outcome {
        do {
            return try await publisher(journal: journal).publish(directory: directory)
        } catch {
            throw .output(path: location, reason: "publishing the dataset: \(error)")
        }
    }
}
