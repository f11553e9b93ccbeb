import ArgumentParser
import Foundation
import Prefab

/// `prefab eval-judges`: measures ensembles and their judges on gold preference pairs.
struct EvalJudgesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-judges",
        abstract: "Compare judge ensembles on gold preference pairs: accuracy, ties, agreement, position and length bias, parse failures, cost.",
        discussion: """
            With --human RUN_DIR the gold is what people decided in `prefab review RUN_DIR`: the run's \
            recorded votes are measured against it (accuracy, Cohen's kappa, position and length \
            bias on the reviewed items, with 95% intervals), and each --judges ensemble named rates \
            the reviewed preferences again (through the response cache).
            """
    )

    @Option(help: "Gold pairs, JSON Lines: {id, prompt, chosen, rejected, kind?, note?} (e.g. datasets/judge-eval/gold.jsonl).")
    var gold: String?

    @Option(help: "A reviewed run directory (`prefab review`): measure its judges against the people's labels.")
    var human: String?

    @Option(help: "An ensemble file; repeat to compare several.")
    var judges: [String] = []

    @Option(help: "The seed for the order each pair is shown in.")
    var seed: UInt64 = 0

    @OptionGroup var endpointOptions: JudgeEndpointOptions

    @OptionGroup var window: WindowOption

    @Flag(help: "Print the report as JSON instead of a table.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if (gold == nil) == (human == nil) { throw ValidationError("give --gold FILE or --human RUN_DIR (one of them)") }
        if judges.isEmpty, human == nil { throw ValidationError("give at least one --judges FILE") }
    }

    func run() async throws {
        var pairs: [GoldPair]
        let source: String
        var recorded: HumanAgreement?
        if let human {
            guard let agreement = try HumanAgreement.measure(runDirectory: human) else {
                printError("prefab eval-judges: \(human) has no review labels; review it with `prefab review \(human)` first")
                throw ExitCode(1)
            }
            recorded = agreement
            // With --json the figures go out once, together with the ensembles' (one document).
            if !json { print("Recorded votes against the reviewers (\(human)):\n" + agreement.table()) }
            pairs = judges.isEmpty ? [] : try HumanGoldPairs.load(runDirectory: human)
            source = human + "/review.sqlite"
            if judges.isEmpty || pairs.isEmpty {
                if !judges.isEmpty, !json { print("no reviewed preferences to rate again (ties and \"both bad\" have no right answer)") }
                if json { print(try Self.json(HumanEvaluation(recorded: agreement, ensembles: nil))) }
                return
            }
        } else {
            pairs = try GoldPair.load(file: gold!)
            source = gold!
        }
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
        let report = JudgeEvaluationReport(gold: source, pairs: pairs.count, rows: rows)
        if let recorded, json {
            print(try Self.json(HumanEvaluation(recorded: recorded, ensembles: report)))
        } else {
            print(json ? try report.json() : report.table())
        }
    }

    static func json(_ evaluation: HumanEvaluation) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(evaluation), as: UTF8.self)
    }
}
