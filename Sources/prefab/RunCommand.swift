import ArgumentParser
import Foundation
import Logging
import Prefab

/// `prefab run`: the whole pipeline from one config. Parses options and calls `RunPipeline`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Sample, judge and pair every prompt of a run config, streaming into shards; resumes where it stopped.",
        discussion: """
            Writes OUT/samples, OUT/rated and OUT/pairs (JSONL.zst, and MDS in mds/), \
            OUT/report.html and report.json, OUT/run-summary.json, and OUT/failures.jsonl when \
            prompts failed. Killed or stopped runs continue when run again: finished prompts come \
            from the run journal, answered calls from the response cache. Exit status: 0 every \
            prompt done; 3 some prompts failed (run again to retry them); 4 the budget is spent \
            (raise it and run again); 5 an endpoint refuses every call (wrong API key, unknown \
            model, a request it cannot take: fix what the message says and run again; no prompt \
            is marked failed); 130 interrupted; 1 an error.
            """
    )

    @Argument(help: "The run config (YAML).")
    var file: String

    @Flag(help: "Forget this run's journal and start over (the response cache still answers what it has).")
    var fresh = false

    @Flag(help: "Write into an s3:// output that already holds objects of another dataset.")
    var force = false

    @Flag(help: "Print the calls and the estimated tokens and cost per endpoint, and stop.")
    var dryRun = false

    @Flag(help: "Call the endpoints without the response cache.")
    var noCache = false

    @Flag(help: "Skip report.json and report.html.")
    var noReport = false

    @Option(help: ArgumentHelp("With an s3:// output: closed shards kept on local disk at once while they upload (default 8; below 7 each closed shard is uploaded before the next prompt is written).", valueName: "N"))
    var scratchLimit: Int?

    @Option(help: ArgumentHelp("Run one partition: the prompts whose hashed prompt_id falls in part I of N (I from 0). Default: from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or PREFAB_PARTITION.", valueName: "I/N"))
    var partition: String?

    @Option(help: ArgumentHelp("How many partitions, when the index comes from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.", valueName: "N"))
    var partitions: Int?

    @Option(help: ArgumentHelp("The run journal: a .sqlite file or a directory (shared storage lets a requeued task resume on another node).", valueName: "PATH"))
    var journal: String?

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics while the run goes (0.0.0.0:9464; port 0: any free port).", valueName: "HOST:PORT"))
    var metrics: String?

    @OptionGroup var progress: ProgressOptions

    func run() async throws {
        ProcessMemory.configureForLongRuns()
        var setup: RunSetup
        let choice: RunPartitionChoice?
        do {
            setup = try RunSetup.load(file: file)
            try await setup.localizeRemoteInputs()
            choice = try RunPartitionChoice.resolve(flag: partition, partitions: partitions, environment: ProcessInfo.processInfo.environment)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        if let journal { setup = setup.journal(at: journal) }
        if let choice {
            setup = setup.partitioned(choice.partition)
            // Said on stderr, so the data a script reads from stdout stays as it was.
            printError("partition \(choice.partition) (from \(choice.source)): \(setup.runFilesLocation)")
        }
        if dryRun {
            try await printEstimate(setup)
            return
        }
        var pipeline = RunPipeline(setup: setup)
        pipeline.partitionSource = choice?.source ?? ""
        var metricsServer: RunMetricsServer?
        if let metrics {
            do {
                let runMetrics = RunMetrics(partition: choice?.partition)
                metricsServer = try await RunMetricsServer.start(try RunMetricsAddress(parsing: metrics), metrics: runMetrics)
                pipeline.metrics = runMetrics
                printError("metrics: http://\(metricsServer!.host):\(metricsServer!.port)/metrics")
            } catch {
                printError("prefab run: \(error)")
                throw ExitCode(1)
            }
        }
        pipeline.fresh = fresh
        pipeline.forceOutput = force
        if let scratchLimit, scratchLimit < 1 {
            printError("prefab run: --scratch-limit must be at least 1 (closed shards kept on local disk at once)")
            throw ExitCode(1)
        }
        pipeline.scratchLimit = scratchLimit
        pipeline.useCache = !noCache
        pipeline.writeReport = !noReport
        let monitor = pipeline.monitor
        let reporter = progress.reporter(for: monitor)
        // Warnings from the endpoint layer go through the display instead of breaking into it.
        let control = pipeline.control
        LoggingSystem.bootstrap { EndpointStopLogFilter(base: ProgressLogHandler(label: $0, reporter: reporter), control: control) }
        let signals = StopSignals(control: pipeline.control) { reporter.log($0) }
        defer { signals.cancel() }

        let summary: RunSummary
        do {
            summary = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await reporter.run() }
                defer { reporter.finish(final: monitor.snapshot()) }
                return try await pipeline.run()
            }
        } catch {
            await metricsServer?.stop()
            printError("prefab run: \(error)")
            throw ExitCode(1)
        }
        await metricsServer?.stop()
        print(Self.describe(summary))
        switch summary.stopReason {
        case .interrupted: throw ExitCode(130)
        case .budget: throw ExitCode(4)
        case .endpoint: throw ExitCode(Self.endpointStopStatus)
        case nil: if summary.failed > 0 { throw ExitCode(3) }
        }
    }

    /// The exit status when an endpoint refuses every call: its own, so scripts can tell a
    /// configuration to fix (5) from prompts to retry (3) and a budget to raise (4).
    static let endpointStopStatus: Int32 = 5

    private func printEstimate(_ setup: RunSetup) async throws {
        let estimate = try await RunEstimate.make(setup: setup)
        if !estimate.hygieneLines.isEmpty {
            print("prompt hygiene (before sampling):")
            for line in estimate.hygieneLines { print("  \(line)") }
        }
        print("\(estimate.prompts) prompts, \(estimate.finished) already finished (journal), \(estimate.prompts - estimate.finished) to run")
        let header = ["endpoint", "calls", "cached", "retries ≤", "prompt tok", "completion tok", "cost"]
        var rows = [header]
        for e in estimate.endpoints {
            rows.append([
                e.endpoint, "\(e.calls)", "\(e.cachedCalls)", "\(e.retryCeiling)", "≈\(e.promptTokens)", "≤\(e.completionTokens)",
                e.cost.map { String(format: "≤%.4f", $0) } ?? "no price",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            print(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        for note in estimate.notes { print("note: \(note)") }
        for assumption in estimate.assumptions { print("assumes: \(assumption)") }
    }

    static func describe(_ s: RunSummary) -> String {
        var lines: [String] = []
        let resumed = s.resumed > 0 ? " (\(s.resumed) from the journal)" : ""
        lines.append("\(s.done) of \(s.prompts) prompts done\(resumed), \(s.completions) answers, in \(String(format: "%.1f", s.seconds))s")
        if let pairs = s.pairs {
            let rows = pairs.rows.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("rows (\(pairs.format)): \(rows.isEmpty ? "none" : rows)")
        }
        let total = s.usage.reduce(into: (0, 0, 0.0)) { $0.0 += $1.requests; $0.1 += $1.totalTokens; $0.2 += $1.cost }
        lines.append("calls \(total.0), tokens \(total.1)\(total.2 > 0 ? String(format: ", cost %.4f", total.2) : ""), cache hits \(s.cacheHits)")
        if s.failed > 0 {
            let kinds = s.failuresByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("failed prompts: \(s.failed) (\(kinds)); listed in \(s.output)/\(RunPipeline.failuresName); run again to retry them")
        }
        switch s.stopReason {
        case .budget: lines.append("stopped: the budget is spent (\(s.notFinished) prompts not finished); raise it in the config and run again")
        case .interrupted: lines.append("stopped: interrupted (\(s.notFinished) prompts not finished); run again to continue")
        case .endpoint(let stop):
            lines.append("stopped: \(stop) (\(s.notFinished) prompts not finished, none marked failed)")
        case nil: break
        }
        lines.append("output: \(s.output)/{samples,rated,pairs}")
        if let report = s.report { lines.append("report: \(report)") }
        return lines.joined(separator: "\n")
    }
}

/// Leaves out the warnings of calls refused for a reason that stops the run (a refused key, an
/// unknown model), and every failed call's once it has stopped for one: the run's one stop
/// message says it, instead of a warning per call in flight.
private struct EndpointStopLogFilter: LogHandler {
    var base: ProgressLogHandler
    let control: RunControl

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        if let error = event.metadata?["error"], EndpointError.describesFatal("\(error)") { return }
        if case .endpoint? = control.stopReason, event.metadata?["error"] != nil { return }
        base.log(event: event)
    }
}
