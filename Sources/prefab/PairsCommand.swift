import ArgumentParser
import Prefab

/// `prefab pairs`: rated records in, training rows out (DPO, KTO, reward-model or SFT).
struct PairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Turn rated records into DPO pairs, KTO rows, reward-model rows or SFT rows.",
        discussion: """
            Writes OUT/train (and OUT/test with --test-ratio above 0), each as JSONL.zst and as MDS \
            in mds/, plus OUT/pairs-summary.json with the prompts dropped by reason. A pair needs \
            a margin above --min-margin, and its two answers must differ.
            Strategies: \(PairingStrategy.allCases.map(\.rawValue).joined(separator: ", ")).
            Formats: \(PairFormat.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    )

    @Option(help: "The rated records: a shard directory or file (from `prefab judge` or `prefab run`).")
    var rated: String

    @Option(help: "How completions are paired.")
    var strategy: String = PairingStrategy.bestVsRandom.rawValue

    @Option(help: "The row format.")
    var format: String = PairFormat.h4.rawValue

    @Option(help: "The score that ranks completions: fine-grained, overall, aspect:NAME, weighted:A=W,B=W, score:JUDGE.")
    var score: String = "fine-grained"

    @Option(help: "A pair's margin must be above this (default 0: ties never pair).")
    var minMargin: Double = 0

    @Option(help: "Fraction of prompts, by prompt id hash, that go to test.")
    var testRatio: Double = 0

    @Option(help: "What to do with a completion whose score is missing: skip (the completion) or drop-prompt.")
    var missing: String = MissingScorePolicy.skipCompletion.rawValue

    @Option(help: "KTO: label completions scoring at least this as desirable (with --kto-undesirable). Default: label the pairs' sides.")
    var ktoDesirable: Double?

    @Option(help: "KTO: label completions scoring at most this as undesirable.")
    var ktoUndesirable: Double?

    @Option(help: "best-of-n: leave out prompts whose best completion scores below this.")
    var minScore: Double?

    @Option(help: "The run seed; with the prompt id it decides every random choice.")
    var seed: UInt64 = 0

    @Option(help: "Shard compression: none, zstd or zstd:N.")
    var compression: String = "zstd"

    @Option(help: "The output directory.")
    var out: String

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    func run() throws {
        do {
            let strategy = try PairingStrategy(parsing: strategy)
            let format = try PairFormat(parsing: format)
            let score = try ScoreSource(parsing: score)
            guard let missing = MissingScorePolicy(rawValue: missing) else {
                throw PairingError.invalidOption(name: "--missing", value: missing, expected: "skip or drop-prompt")
            }
            let kto: KTOLabeling
            switch (ktoDesirable, ktoUndesirable) {
            case (nil, nil): kto = .fromPairs
            case (let desirable?, let undesirable?): kto = .thresholds(desirable: desirable, undesirable: undesirable)
            default:
                throw PairingError.invalidOption(
                    name: "KTO thresholds", value: "only one given", expected: "both --kto-desirable and --kto-undesirable")
            }
            let options = PairingOptions(
                strategy: strategy, score: score, minMargin: minMargin, missingScores: missing, minimumScore: minScore, seed: seed)
            let run = PairStage(
                options: options, builder: try PairRowBuilder(format: format, strategy: strategy, kto: kto, score: score),
                split: try DatasetSplit(testRatio: testRatio), compression: try Compression(parsing: compression))
            let summary = try run.run(rated: rated, output: out, replacing: force)
            let rows = summary.rows.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("\(summary.prompts) prompts -> \(summary.promptsWithRows) with rows (\(rows.isEmpty ? "no rows" : rows)) in \(out)")
            if !summary.dropped.isEmpty {
                print("dropped: " + summary.dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if summary.unlabelled > 0 { print("between the KTO thresholds, left out: \(summary.unlabelled)") }
        } catch let error as PairingError {
            throw ValidationError(error.description)
        } catch {
            printError("prefab pairs: \(error)")
            throw ExitCode(1)
        }
    }
}
