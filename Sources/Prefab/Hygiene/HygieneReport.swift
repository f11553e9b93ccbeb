import Foundation

/// What hygiene removed and why: `hygiene-report.json` (beside `prefab prompts`' output and in a
/// run's output directory). Every removal is listed, none is silent.
package struct HygieneReport: Codable, Hashable, Sendable {
    package static let fileName = "hygiene-report.json"

    /// The reasons a prompt is removed, in the order they are checked.
    package enum Reason: String, Codable, CaseIterable, Sendable {
        case contaminated
        case exactDuplicate = "exact_duplicate"
        case nearDuplicate = "near_duplicate"
    }

    package struct Settings: Codable, Hashable, Sendable {
        package var dedup: DedupSettings?
        package var contamination: HygieneConfiguration.Contamination?
    }

    /// The dedup settings in use, with the banding's rates worked out.
    package struct DedupSettings: Codable, Hashable, Sendable {
        package var exact: Bool
        package var near: Bool
        package var ngram: Int
        package var permutations: Int
        package var bands: Int
        package var rows: Int
        package var threshold: Double
        package var seed: UInt64
        /// 1 − (1 − tʳ)ᵇ at the threshold t: the share of pairs just at the threshold found.
        package var candidateProbabilityAtThreshold: Double

        enum CodingKeys: String, CodingKey {
            case exact, near, ngram, permutations, bands, rows, threshold, seed
            case candidateProbabilityAtThreshold = "candidate_probability_at_threshold"
        }
    }

    /// One evaluation set, as read.
    package struct EvalFile: Codable, Hashable, Sendable {
        package var path: String
        package var field: String?
        package var sha256: String
        package var items: Int
        /// Distinct n-grams it added to the index.
        package var ngrams: Int
    }

    /// One prompt removed.
    package struct Removal: Codable, Hashable, Sendable {
        /// 1-based position among the input's valid, distinct prompts.
        package var ordinal: Int
        package var promptID: String
        package var reason: Reason
        /// The kept prompt it duplicates (duplicates).
        package var duplicateOf: String?
        package var duplicateOfOrdinal: Int?
        /// The evaluation file and record (line) it overlaps, and the share of that item's
        /// tokens covered (contamination).
        package var evalFile: String?
        package var evalItem: String?
        package var overlap: Double?
        /// The prompt's first 200 characters.
        package var text: String

        enum CodingKeys: String, CodingKey {
            case ordinal
            case promptID = "prompt_id"
            case reason
            case duplicateOf = "duplicate_of"
            case duplicateOfOrdinal = "duplicate_of_ordinal"
            case evalFile = "eval_file"
            case evalItem = "eval_item"
            case overlap, text
        }
    }

    package var settings: Settings
    package var evalFiles: [EvalFile] = []
    /// Valid, distinct prompts read.
    package var prompts = 0
    package var kept = 0
    /// Removals by reason; every reason is present, 0 when none.
    package var removed: [String: Int] = Dictionary(uniqueKeysWithValues: Reason.allCases.map { ($0.rawValue, 0) })
    package var removals: [Removal] = []
    /// Bytes of the evaluation n-gram index and of the dedup index at the end.
    package var evalIndexBytes = 0
    package var dedupIndexBytes = 0
    package var seconds = 0.0

    enum CodingKeys: String, CodingKey {
        case settings
        case evalFiles = "eval_files"
        case prompts, kept, removed, removals
        case evalIndexBytes = "eval_index_bytes"
        case dedupIndexBytes = "dedup_index_bytes"
        case seconds
    }

    /// The report as written: pretty, sorted keys, so reruns diff cleanly.
    package func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    package var removedTotal: Int { removed.values.reduce(0, +) }

    /// The counts alone, for the run summary (and the dataset card that reads it).
    package var counts: HygieneCounts { HygieneCounts(kept: kept, removed: removed) }
}

/// `run-summary.json`'s `hygiene`: `{kept, removed: {exact_duplicate, near_duplicate, contaminated}}`.
/// Also what the dataset card's "Prompt hygiene" section shows.
public struct HygieneCounts: Codable, Hashable, Sendable {
    public var kept: Int
    public var removed: [String: Int]

    public init(kept: Int, removed: [String: Int]) {
        self.kept = kept
        self.removed = removed
    }
}

extension HygieneReport {
    /// The report in words, for the terminal: counts by reason, then up to `examples` removals
    /// of each reason.
    package func summaryLines(examples: Int = 3) -> [String] {
        var lines = ["\(prompts) prompts: \(kept) kept, \(removedTotal) removed"]
        for reason in Reason.allCases {
            lines.append("  \(reason.rawValue): \(removed[reason.rawValue] ?? 0)")
        }
        for reason in Reason.allCases {
            for removal in removals.lazy.filter({ $0.reason == reason }).prefix(examples) {
                lines.append("  - #\(removal.ordinal) \(removal.promptID.prefix(16)) \(removal.reason.rawValue): \(removal.explanation)")
            }
        }
        if let dedup = settings.dedup, dedup.near {
            lines.append(
                "near duplicates: \(dedup.ngram)-gram shingles, \(dedup.bands) bands × \(dedup.rows) rows; a pair at Jaccard "
                    + "\(dedup.threshold) is caught with probability \(String(format: "%.3f", dedup.candidateProbabilityAtThreshold))")
        }
        if let contamination = settings.contamination {
            let grams = evalFiles.reduce(0) { $0 + $1.ngrams }
            lines.append(
                "contamination: \(contamination.ngram)-grams, more than \(contamination.threshold) of an evaluation item's tokens; "
                    + "\(evalFiles.reduce(0) { $0 + $1.items }) items, \(grams) n-grams in \(evalIndexBytes / 1024) KiB")
        }
        return lines
    }
}

extension HygieneReport.Removal {
    /// Why it was removed, naming the prompt or evaluation item it matched.
    public var explanation: String {
        switch reason {
        case .exactDuplicate, .nearDuplicate:
            "duplicates #\(duplicateOfOrdinal ?? 0) (\(duplicateOf ?? "?"))"
        case .contaminated:
            "overlaps \(evalFile ?? "?"):\(evalItem ?? "?") (\(Int(((overlap ?? 0) * 100).rounded()))% of its tokens)"
        }
    }
}
