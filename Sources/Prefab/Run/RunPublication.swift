import Foundation
import PrefabStorage

/// Publishing a run's dataset to its `s3://` output (`RunSetup.outputLocation`).
///
/// Before the first call to a model the prefix is claimed (refused when it holds another
/// dataset, unless `--force`), so wrong credentials or a wrong prefix stop the run with nothing
/// paid and nothing journaled. When the session ends the local dataset is published: shards
/// first, index files last (`S3Publisher`), each finished object recorded with its ETag and
/// size in an upload ledger beside the run journal, so a killed publish resumes by verifying
/// (HEAD) what is there and uploading only the rest, and aborts the multipart uploads it left.
struct RunPublication {
    let location: String
    let publisher: S3Publisher

    init(setup: RunSetup, fresh: Bool) throws(RunError) {
        location = setup.outputLocation ?? ""
        let ledgerPath = setup.journalPath + ".uploads.jsonl"
        if fresh { try? FileManager.default.removeItem(atPath: ledgerPath) }
        do {
            let destination = try S3Location(parsing: location)
            let client = try S3Client.fromEnvironment { setup.configuration.storage?.apply(to: &$0) }
            publisher = S3Publisher(client: client, destination: destination, identity: setup.identity, ledger: try FileUploadLedger(path: ledgerPath))
        } catch {
            throw .output(path: location, reason: error.description)
        }
    }

    func claim(force: Bool) async throws(RunError) {
        do {
            try await publisher.claim(force: force)
        } catch {
            throw .output(path: location, reason: "\(error)")
        }
    }

    func publish(directory: String) async throws(RunError) -> S3Publisher.Outcome {
        do {
            return try await publisher.publish(directory: directory)
        } catch {
            throw .output(path: location, reason: "publishing the dataset: \(error)")
        }
    }
}
