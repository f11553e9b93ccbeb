import ArgumentParser
import Foundation
import Prefab

/// `prefab prompts`: prompt hygiene on its own. Parses options and calls `PromptHygiene`.
struct PromptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "Remove duplicate and contaminated prompts before sampling.",
        discussion: """
            Reads INPUT (.jsonl, .jsonl.zst or an MDS directory) in order and keeps the first of \
            each group of exact duplicates (same text after NFKC, case and whitespace folding) and \
            near duplicates (MinHash LSH over word n-grams), and drops every prompt that overlaps an \
            evaluation item (Tülu 3's rule: more than 50% of the item's tokens in shared 8-grams). \
            Writes the kept prompts to DIR (prompts-NNNNN.jsonl.zst) and DIR/hygiene-report.json, \
            which lists every removal and why. See docs/hygiene.md.
            """
    )

    @Argument(help: "The prompts to clean.")
    var input: String

    @Flag(name: .long, help: "Remove exact and near duplicates.")
    var dedup = false

    @Option(name: .long, parsing: .upToNextOption, help: "Evaluation sets, PATH or PATH:FIELD (default field: prompt/messages).")
    var decontaminate: [String] = []

    @Option(name: .long, help: "Directory for the kept prompts and hygiene-report.json.")
    var out: String?

    @Flag(name: .long, help: "Print the counts; write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Remove exact duplicates only (no MinHash near-duplicate pass).")
    var exactOnly = false

    @Option(name: .long, help: "Words per near-duplicate shingle.")
    var ngram = 3

    @Option(name: .long, help: "MinHash permutations.")
    var permutations = 128

    @Option(name: .long, help: "Jaccard similarity the LSH banding is tuned for.")
    var threshold = 0.8

    @Option(name: .long, help: "LSH bands (default: derived from --threshold).")
    var bands: Int?

    @Option(name: .long, help: "Seed of the MinHash permutations.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "n of the contamination n-grams.")
    var contaminationNgram = 8

    @Option(name: .long, help: "Share of an evaluation item's tokens above which a prompt is contaminated.")
    var contaminationThreshold = 0.5

    @Flag(name: .long, help: "Skip invalid prompt records with a counted warning instead of stopping.")
    var skipInvalid = false

    @Flag(name: .long, help: "Print the whole report as JSON.")
    var json = false

    func validate() throws {
        if !dedup, decontaminate.isEmpty { throw ValidationError("nothing to do: give --dedup and/or --decontaminate EVAL") }
        if out == nil, !dryRun { throw ValidationError("give --out DIR (or --dry-run to only count)") }
        if !(0..<1).contains(contaminationThreshold) { throw ValidationError("--contamination-threshold must be in [0, 1)") }
        if !(1...64).contains(contaminationNgram) { throw ValidationError("--contamination-ngram must be between 1 and 64") }
    }

    func run() throws {
        var dedupSettings = HygieneConfiguration.Dedup()
        dedupSettings.near = !exactOnly
        dedupSettings.ngram = ngram
        dedupSettings.permutations = permutations
        dedupSettings.threshold = threshold
        dedupSettings.bands = bands
        dedupSettings.seed = seed
        let configuration = HygieneConfiguration(
            dedup: dedup ? dedupSettings : nil, decontaminate: decontaminate.map(Self.evalSource),
            contamination: .init(ngram: contaminationNgram, threshold: contaminationThreshold))
        let report = try PromptHygiene.write(
            PromptInputConfiguration(path: input, skipInvalid: skipInvalid), configuration: configuration,
            to: dryRun ? nil : out)
        if json {
            print(String(decoding: try report.encoded(), as: UTF8.self))
        } else {
            for line in report.summaryLines() { print(line) }
            if let out, !dryRun { print("wrote \(out) (\(report.kept) prompts) and \(out)/\(HygieneReport.fileName)") }
        }
    }

    /// `PATH:FIELD`, unless PATH itself (colon and all) is a file.
    static func evalSource(_ text: String) -> HygieneConfiguration.EvalSource {
        guard !FileManager.default.fileExists(atPath: text), let colon = text.lastIndex(of: ":") else {
            return .init(path: text)
        }
        return .init(path: String(text[..<colon]), field: String(text[text.index(after: colon)...]))
    }
}
