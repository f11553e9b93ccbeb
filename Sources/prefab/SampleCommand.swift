import ArgumentParser
import Foundation
import Prefab

/// `prefab sample`: the sampling stage on its own. Parses options and calls `SampleStage`.
struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample answers from the model pool for every prompt and write samples shards.",
        discussion: """
        Reads the sampling blocks of a config (seed, prompts, output, endpoints, pool, principles; a \
        whole run config works too) and writes one record per prompt to DIR (JSONL.zst, what \
        `prefab cat DIR` shows) and DIR/mds (MDS). Every call goes through the response cache, so running again costs nothing \
        for answers already received. Exit status 0 when every prompt is complete, 3 when the \
        shards were written but some generations failed (listed in their records; run again to \
        retry them, with --force to replace the output).
        """
    )

    @Option(name: .long, help: "The config file (YAML).")
    var config: String

    @Option(name: .long, help: "Prompts to sample (.jsonl, .jsonl.zst or an MDS directory); overrides the config's prompts.")
    var prompts: String?

    @Option(name: .long, help: "The samples directory to write; default: the config's output/samples.")
    var out: String?

    @Option(name: .long, help: "Sample only the first N distinct valid prompts.")
    var limit: Int?

    @Flag(name: .long, help: "Skip invalid prompt records with a counted warning instead of stopping.")
    var skipInvalid = false

    @OptionGroup var cacheOptions: CacheOptions

    @Option(name: .long, help: "Prompts sampled at once.")
    var window: Int = 16

    @Flag(name: .long, help: "Replace an existing samples directory (only once the new one is complete).")
    var force = false

    /// Over the config's `storage:` block.
    @OptionGroup var objectStorage: ObjectStorageOptions

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if window < 1 { throw ValidationError("--window must be at least 1") }
    }

    func run() async throws {
        let setup = try SamplingSetup.load(file: config)
        var input = setup.configuration.prompts ?? PromptInputConfiguration(path: "")
        if let prompts { input.path = prompts } else if let path = setup.promptsPath { input.path = path }
        guard !input.path.isEmpty else {
            throw ValidationError("no prompts: give --prompts PATH or set prompts: in \(config)")
        }
        if let limit { input.limit = limit }
        if skipInvalid { input.skipInvalid = true }
        // An s3:// output in the config holds its samples under samples/, as a local one does.
        let remoteSamples = setup.configuration.output.flatMap { RemoteInput.isRemote($0) ? $0 + "/samples" : nil }
        guard let target = out ?? setup.samplesDirectory ?? remoteSamples else {
            throw ValidationError("no output directory: give --out DIR or set output: in \(config)")
        }
        let storage = try objectStorage.storage(over: setup.storage)
        let promptsInput = try await CommandInput(input.path, label: "sample", storage: storage)
        defer { promptsInput.remove() }
        input.path = promptsInput.path
        // s3://: claimed now, written locally, published when sampling ends (a killed session
        // starts over).
        let output = try await CommandOutput(target, force: force, storage: storage)
        defer { output.remove() }
        let directory = output.path

        // Every invalid record is reported before any call is paid for.
        let monitor = RunMonitor(unit: "prompts", callsModels: true)
        if !input.skipInvalid {
            let checked = try SampleStage.validate { () throws(PromptInputError) in try PromptReader(input) }
            if !progress.quiet { Self.note("\(input.path): \(checked.prompts) prompts, \(checked.duplicates) duplicates") }
            monitor.update { $0.total = checked.prompts }
        }

        let responseCache = try cacheOptions.open()
        let endpoints = try EndpointSet(setup.configuration.endpoints, cache: responseCache)
        monitor.attach(ledger: endpoints.ledger, cache: responseCache)
        let run = SampleStage(
            sampler: try Sampler(setup: setup, clients: try endpoints.chatClients()), window: window,
            configHash: SampleStage.configHash(setup.configuration))
        let reader = try PromptReader(input)
        let summary: SamplingSummary
        do {
            summary = try await progress.show(monitor) { [force] in
                try await run.run(reader, into: directory, replacing: force, monitor: monitor)
            }
        } catch SampleStageError.endpointStopped(let stop) {
            try? await responseCache?.close()
            Self.note("prefab sample: \(SampleStageError.endpointStopped(stop))")
            throw ExitCode(RunCommand.endpointStopStatus)
        } catch {
            try? await responseCache?.close()
            throw error
        }
        try await responseCache?.close()
        try await output.publish()
        Self.report(summary, directory: target)
        if !summary.incompletePrompts.isEmpty { throw ExitCode(3) }
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func report(_ summary: SamplingSummary, directory: String) {
        var lines = [
            "wrote \(summary.prompts) prompts, \(summary.completions) answers to \(directory) (JSONL.zst) and \(directory)/mds (MDS)",
            "tokens: \(summary.usage.promptTokens) prompt, \(summary.usage.completionTokens) completion",
        ]
        let perModel = summary.completionsPerModel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        if !perModel.isEmpty { lines.append("answers per model: " + perModel.joined(separator: ", ")) }
        if !summary.flagged.isEmpty {
            lines.append("flagged answers: " + summary.flagged.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if summary.input.duplicates > 0 { lines.append("duplicate prompts sampled once: \(summary.input.duplicates)") }
        if summary.input.invalidCount > 0 {
            lines.append("invalid records skipped: " + summary.input.invalid.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for warning in summary.input.warnings.prefix(10) { lines.append("  warning: \(warning)") }
        }
        if !summary.incompletePrompts.isEmpty {
            lines.append("incomplete prompts: \(summary.incompletePrompts.count); failed generations: "
                + summary.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        print(lines.joined(separator: "\n"))
    }
}
