import ArgumentParser
import Foundation
import Prefab

/// `prefab batches CONFIG`: the run's provider batches (OpenAI Batch API, Anthropic Message
/// Batches) as its journal lists them; `--cancel` cancels the open ones. Parsing and printing
/// only: `RunBatches` does the work.
struct BatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches",
        abstract: "List a run's provider batches by state; --cancel cancels the open ones.",
        discussion: """
            Reads the run journal of the config's output. Columns: journal id, endpoint, stage, \
            round, requests, state (written, uploading, uploaded, creating, created, ended, \
            collected, cancelled), the provider's state, answers succeeded and failed, and the \
            provider's batch id; then each committed stage (all its batches collected before the \
            next stage's started). --cancel asks the provider to cancel every running batch (what \
            they answered before is still used by the next run) and drops batches not yet created.
            """
    )

    @Argument(help: "The run config (YAML).")
    var file: String

    @Flag(help: "Cancel the run's open batches.")
    var cancel = false

    func run() async throws {
        do {
            let setup = try RunSetup.load(file: file)
            if cancel {
                let touched = try await RunBatches.cancel(setup)
                print("\(touched.count) open batch\(touched.count == 1 ? "" : "es") cancelled")
                for batch in touched { print(Self.row(batch)) }
                return
            }
            let batches = try RunBatches.list(setup)
            if batches.isEmpty {
                print("no batches")
                return
            }
            print(["id", "endpoint", "stage", "round", "requests", "state", "provider", "succeeded", "failed", "batch"].joined(separator: "\t"))
            for batch in batches { print(Self.row(batch)) }
            for stage in try RunBatches.committedStages(setup) {
                print("\(stage.stage) stage committed after round \(stage.round): \(stage.requests) requests in \(stage.batches) batches, \(stage.succeeded) answered, \(stage.failed) failed")
            }
        } catch {
            printError("prefab batches: \(error)")
            throw ExitCode(1)
        }
    }

    static func row(_ batch: JournaledBatch) -> String {
        [
            "\(batch.id)", batch.endpoint, batch.stage, "\(batch.round)", "\(batch.requests)", batch.state.rawValue,
            batch.providerState ?? "-", "\(batch.succeeded)", "\(batch.failed)", batch.batchID ?? "-",
        ].joined(separator: "\t")
    }
}
