import Foundation
import GRDB

/// `prefab batches`: the batches a run's journal lists, and cancelling the open ones.
package enum RunBatches {
    /// Every batch of the run at `setup`, oldest first, read without taking the run's lock (a
    /// run in progress may be writing; what it committed is shown).
    package static func list(_ setup: RunSetup) throws(RunError) -> [JournaledBatch] {
        try read(setup, table: "batches") { db in try RunJournal.batches(in: db, open: false) }
    }

    /// The stages the run at `setup` has committed (all their batches collected), read as `list`.
    package static func committedStages(_ setup: RunSetup) throws(RunError) -> [CommittedBatchStage] {
        try read(setup, table: "batch_stages") { db in try RunJournal.committedStages(in: db) }
    }

    /// Reads `table` of the journal at `setup` read-only, without taking the run's lock (a run in
    /// progress may be writing; what it committed is read); nothing when the journal or the table
    /// does not exist yet.
    private static func read<T>(
        _ setup: RunSetup, table: String, _ body: (Database) throws -> [T]
    ) throws(RunError) -> [T] {
        guard FileManager.default.fileExists(atPath: setup.journalPath) else { return [] }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: setup.journalPath, configuration: configuration)
            return try queue.read { db in try db.tableExists(table) ? try body(db) : [] }
        } catch {
            throw .journal(path: setup.journalPath, reason: "\(error)")
        }
    }

    /// Asks the provider to cancel every batch of the run that is still running, and marks the
    /// ones never created as cancelled (a later `prefab run` collects their requests again).
    /// A cancelled batch's finished answers are still read by the next run. Returns the batches
    /// it touched, as they are now.
    package static func cancel(
        _ setup: RunSetup, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(RunError) -> [JournaledBatch] {
        let journal = try RunJournal(path: setup.journalPath, identity: setup.identity, parts: setup.identityParts)
        let endpoints: EndpointSet
        do {
            endpoints = try EndpointSet(setup.configuration.sampling.endpoints, environment: environment)
        } catch {
            throw .endpoint("\(error)")
        }
        var touched: [JournaledBatch] = []
        for var batch in try journal.batches(open: true) {
            switch batch.state {
            case .written, .uploading, .uploaded:
                batch.state = .cancelled
            case .created:
                guard let id = batch.batchID else { continue }
                do {
                    let api = BatchAPI(client: try endpoints.endpointClient(batch.endpoint))
                    batch.providerState = try await api.cancel(id).state
                } catch {
                    throw .endpoint("cancelling batch \(batch.id) (\(batch.endpoint), \(id)): \(error)")
                }
            case .creating, .ended, .collected, .cancelled:
                continue
            }
            try journal.updateBatch(batch)
            touched.append(batch)
        }
        try journal.endSession(outcome: "batches cancelled", usage: [], seconds: 0)
        return touched
    }
}
