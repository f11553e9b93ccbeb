import ArgumentParser
import Foundation
import Prefab

/// `prefab eval-judges`: measures ensembles and their judges on gold preference pairs.
struct EvalJudgesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-judges",
        abstract: "Compare judge ensembles on gold preference pairs: accuracy, ties, agreement, position and length bias, parse failures, cost."
    )

    @Option(help: "Gold pairs, JSON Lines: {id, prompt, chosen, rejected, kind?, note?} (e.g. datasets/judge-eval/gold.jsonl).")
    var gold: String

    @Option(help: "An ensemble file; repeat to compare several.")
    var judges: [String]

    @Option(help: "The seed for the order each pair is shown in.")
    var seed: UInt64 = 0

    @OptionGroup var endpointOptions: JudgeEndpointOptions

    @OptionGroup var window: WindowOption

    @Flag(help: "Print the report as JSON instead of a table.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if judges.isEmpty { throw ValidationError("give at least one --judges FILE") }
    }

    func run() async throws {
        let pairs = try GoldPair.load(file: gold)
        let endpointList = try endpointOptions.endpointList()
        let responseCache = try endpointOptions.cache.open()
        let evaluator = JudgeEvaluator(seed: seed, window: window.value)
        // Every ensemble rates every pair: the display counts them all.
        let monitor = RunMonitor(unit: "pairs", callsModels: true)
        monitor.update { $0.total = pairs.count * judges.count }
        var rows: [JudgeEvaluationRow] = []
        try await stoppingOnUnusableEndpoint("eval-judges", endpoints: endpointList, cache: responseCache) {
            try await progress.show(monitor) {
                for (index, file) in judges.enumerated() {
                    // One ledger per ensemble, so each row's cost is its own.
                    let ledger = UsageLedger()
                    let ensemble = try JudgeEnsemble.load(
                        file: file, endpoints: EndpointSet(endpointList, cache: responseCache, ledger: ledger),
                        rubrics: endpointOptions.rubricLibrary, seed: seed)
                    monitor.attach(ledger: ledger, cache: responseCache)
                    monitor.update { $0.phase = "\(ensemble.configuration.name) (\(index + 1)/\(judges.count))" }
                    let priced = endpointList.contains { $0.price != nil }
                    var evaluated = try await evaluator.evaluate(pairs, with: ensemble, monitor: monitor)
                    if priced, !evaluated.isEmpty { evaluated[0].cost = ledger.total.cost }
                    rows += evaluated
                }
            }
        }
        try await responseCache?.close()
        let report = JudgeEvaluationReport(gold: gold, pairs: pairs.count, rows: rows)
        print(json ? try report.json() : report.table())
    }
}
