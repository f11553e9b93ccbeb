import ArgumentParser
import Foundation
import Prefab

/// `prefab merge`: the root indexes, summaries and report over a partitioned run's parts.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the partitions of a run (prefab run --partition I/N) into one dataset, without moving a shard.",
        discussion: """
            Writes, in OUT, root manifest.json and MDS index.json files whose shards are the parts' \
            (part-00002-of-00004/…), run-summary.json with counts and costs summed, failures.jsonl, \
            pairs/pairs-summary.json, rated/judge-report.json (agreement from the parts' summed \
            counts), the report, and with --config the dataset card. OUT may be an s3:// prefix the \
            partitions streamed into: the parts' indexes and run files are read from it and the merged \
            files written to it, index.json and manifest.json last, stored as --sse, --sse-kms-key-id and \
            --s3-addressing-style (over the config's storage: block) say. Refuses, naming them, partitions that are missing, unfinished \
            or made from another config. Running it again gives the same files. Exit status: 0 \
            merged; 2 not every partition is ready (run them, then merge again); 1 an error.
            """
    )

    @Argument(help: "The run's output directory (the config's output:), or its s3:// prefix.")
    var output: String

    @Option(help: "The run config: checked against the partitions' run identity, and used to write the dataset card (pairs/README.md) as a run does.")
    var config: String?

    @Flag(help: "Skip report.json and report.html.")
    var noReport = false

    @OptionGroup var objectStorage: ObjectStorageOptions

    func run() async throws {
        if let problem = RemoteInput.problem(output) {
            printError("prefab merge: \(problem)")
            throw ExitCode(1)
        }
        var setup: RunSetup?
        if let config {
            do {
                setup = try RunSetup.load(file: config)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
        let storage = try objectStorage.storage(over: setup?.configuration.storage)
        let result: RunMerge.Result
        do {
            if RemoteInput.isRemote(output) {
                var merge = RemoteRunMerge(location: output)
                merge.writeReport = !noReport
                merge.setup = setup
                merge.storage = storage
                result = try await merge.run()
            } else {
                var merge = RunMerge(output: output)
                merge.writeReport = !noReport
                merge.setup = setup
                result = try await merge.run()
            }
        } catch {
            printError("prefab merge: \(error)")
            if case .notReady = error { throw ExitCode(2) }
            throw ExitCode(1)
        }
        let s = result.summary
        print("merged \(result.partitions) partitions: \(s.done) of \(s.prompts) prompts done, \(s.failed) failed")
        for dataset in result.datasets {
            print("  \(dataset.directory): \(dataset.records) records in \(dataset.shards) shards from \(dataset.parts) parts")
        }
        if let report = s.report { print("report: \(report)") }
    }
}
