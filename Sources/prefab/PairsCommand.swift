import ArgumentParser
import Prefab

/// `prefab pairs`: rated records in, training rows out (DPO, KTO, reward-model or SFT).
struct PairsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Turn rated records into DPO pairs, KTO rows, reward-model rows or SFT rows.",
        discussion: """
            Writes OUT/train (and OUT/test with --test-ratio above 0), each as JSONL.zst and as MDS \
            in mds/, plus OUT/pairs-summary.json with the prompts dropped by reason and the dataset \
            card OUT/README.md (load_dataset("OUT") finds the splits). A pair needs \
            a margin above --min-margin, and its two answers must differ. When the run directory \
            above --rated has a review.sqlite (`prefab review`), the reviewers' verdicts replace \
            the judges' scores for the prompts they reviewed: a tie or "both bad" drops the prompt.
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

    @Option(help: "The output directory, or an s3:// prefix (written locally, then uploaded).")
    var out: String

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    @OptionGroup var objectStorage: ObjectStorageOptions

    @OptionGroup var progress: ProgressOptions

    func run() async throws {
        do {
            // People's verdicts (RUN/review.sqlite from `prefab review`) decide the prompts they reviewed.
            let run = try stage().reviewed(besideRated: rated)
            let monitor = RunMonitor(unit: "records", callsModels: false)
            let storage = try objectStorage.storage()
            let input = try await CommandInput(rated, label: "pairs", storage: storage)
            defer { input.remove() }
            let output = try await CommandOutput(out, force: force, storage: storage)
            defer { output.remove() }
            let summary = try await progress.show(monitor) {
                try run.run(rated: input.path, output: output.path, replacing: force, monitor: monitor)
            }
            try await output.publish()
            let rows = summary.rows.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("\(summary.prompts) prompts -> \(summary.promptsWithRows) with rows (\(rows.isEmpty ? "no rows" : rows)) in \(out)")
            if !summary.dropped.isEmpty {
                print("dropped: " + summary.dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if summary.humanLabelled > 0 { print("decided by reviewers (review.sqlite): \(summary.humanLabelled)") }
            if summary.unlabelled > 0 { print("between the KTO thresholds, left out: \(summary.unlabelled)") }
        } catch let error as ValidationError {
            throw error
        } catch {
            printError("prefab pairs: \(error)")
            throw ExitCode(1)
        }
    }

    /// The pairing stage the flags describe: the flags fill the same `pairing:` block a run
    /// config has, and that block is resolved the one way it always is.
    func stage() throws -> PairStage {
        var pairing = RunPairingConfiguration()
        pairing.strategy = strategy
        pairing.format = format
        pairing.score = score
        pairing.minMargin = minMargin
        pairing.testRatio = testRatio
        pairing.missing = missing
        pairing.minScore = minScore
        pairing.compression = compression
        switch (ktoDesirable, ktoUndesirable) {
        case (nil, nil): pairing.kto = nil
        case (let desirable?, let undesirable?): pairing.kto = .init(desirable: desirable, undesirable: undesirable)
        default: throw ValidationError("KTO thresholds: give both --kto-desirable and --kto-undesirable, or neither")
        }
        switch pairing.resolve(seed: seed) {
        case .success(let stage): return stage
        case .failure(let problem):
            let option = problem.key == "kto" ? "--kto-desirable/--kto-undesirable" : "--" + problem.key.replacingOccurrences(of: "_", with: "-")
            throw ValidationError("\(option): \(problem.message)")
        }
    }
}
