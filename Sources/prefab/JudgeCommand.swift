import ArgumentParser
import Foundation
import Prefab

/// `prefab judge`: re-judges existing samples with an ensemble, without sampling again.
struct JudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Rate existing samples with a judge ensemble and write rated shards (UltraFeedback records with every vote).",
        discussion: """
            Answers come from the response cache when it has them, so judging the same samples \
            with the same judges again is free. Prompts whose calls fail are listed and left out; \
            the command then exits with status 1.
            With --reaggregate RATED instead of --samples, no judge is asked: each completion's \
            annotations, scores and flags are recomputed from the votes stored in RATED with the \
            ensemble's aggregation (for example to repair shards written before incomplete \
            ratings lost their scores) and written to OUT.
            """
    )

    @Option(help: "The samples: a shard directory or file (JSONL.zst, MDS, or .jsonl), or an s3:// object or prefix.")
    var samples: String?

    @Option(help: "Instead of --samples: rated records (a shard directory or file, or an s3:// object or prefix) to re-aggregate from their stored votes, calling no endpoint.")
    var reaggregate: String?

    @Option(help: "The ensemble file (e.g. judges/ultrafeedback.yaml).")
    var judges: String

    @Option(help: "The output directory (absent or empty), or an s3:// prefix: rated records as JSONL.zst, and as MDS in OUT/mds.")
    var out: String

    @Option(help: "The run seed (shuffles and pair orders derive from it).")
    var seed: UInt64 = 0

    @OptionGroup var endpointOptions: JudgeEndpointOptions

    @OptionGroup var window: WindowOption

    @Option(help: "Rate at most this many prompts.")
    var limit: Int?

    @OptionGroup var objectStorage: ObjectStorageOptions

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        switch (samples, reaggregate) {
        case (nil, nil): throw ValidationError("give --samples (to rate) or --reaggregate RATED (to recompute scores from stored votes)")
        case (_?, _?): throw ValidationError("give --samples or --reaggregate, not both")
        case (nil, _?) where limit != nil: throw ValidationError("--limit applies to --samples; --reaggregate rewrites every record")
        default: break
        }
    }

    func run() async throws {
        guard let samples else { return try await reaggregateRated(reaggregate!) }
        let storage = try objectStorage.storage()
        let endpointList = try endpointOptions.endpointList()
        let responseCache = try endpointOptions.cache.open()
        let endpoints = try EndpointSet(endpointList, cache: responseCache)
        let ensemble = try JudgeEnsemble.load(file: judges, endpoints: endpoints, rubrics: endpointOptions.rubricLibrary, seed: seed)
        let monitor = RunMonitor(unit: "samples", callsModels: true)
        monitor.attach(ledger: endpoints.ledger, cache: responseCache)
        let stage = JudgeStage(ensemble: ensemble, window: window.value)
        let input = try await CommandInput(samples, label: "judge", storage: storage)
        defer { input.remove() }
        let output = try await CommandOutput(out, force: false, storage: storage)
        defer { output.remove() }
        let summary = try await stoppingOnUnusableEndpoint("judge", endpoints: endpointList, cache: responseCache, note: "; nothing was written") {
            try await progress.show(monitor) {
                try await stage.run(samples: input.path, output: output.path, limit: limit, monitor: monitor, named: (samples, out))
            }
        }
        try await output.publish()
        try await responseCache?.close()
        let figures = summary.agreement
        let total = figures.total
        print("rated \(summary.rated) of \(summary.prompts) prompts with \(summary.ensemble) -> \(out)")
        print("calls \(total.calls) (cached \(total.cachedCalls)), tokens \(total.totalTokens), parse failures \(total.parseFailures) of \(total.votes) votes")
        if let alpha = figures.krippendorffAlpha { print("Krippendorff's alpha \(String(format: "%.3f", alpha)) over \(figures.alphaUnits) units") }
        if !summary.failures.isEmpty {
            for failure in summary.failures { printError("failed: \(failure.promptID): \(failure.reason)") }
            throw ExitCode(1)
        }
    }
}

extension JudgeCommand {
    /// `--reaggregate`: the ensemble is loaded with clients that refuse calls, so nothing is
    /// asked. An `s3://` input is downloaded first; an `s3://` output is claimed first and
    /// published shards first, index files last, as `--samples` does.
    func reaggregateRated(_ rated: String) async throws {
        let ensemble = try JudgeStage.offlineEnsemble(file: judges, rubrics: endpointOptions.rubricLibrary)
        let storage = try objectStorage.storage()
        let input = try await CommandInput(rated, label: "reaggregate", storage: storage)
        defer { input.remove() }
        let output = try await CommandOutput(out, force: false, storage: storage)
        defer { output.remove() }
        let summary = try JudgeStage(ensemble: ensemble).reaggregate(rated: input.path, output: output.path, named: (rated, out))
        try await output.publish()
        print("re-aggregated \(summary.rated) prompts with \(summary.ensemble) from their stored votes -> \(out)")
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
