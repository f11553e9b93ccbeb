import Foundation
import PrefabShards

/// The dataset card of a pairs directory (`PAIRS/README.md`), in the Hugging Face layout: YAML
/// front matter that `datasets.load_dataset(PAIRS)` reads to find the splits and their features
/// with no arguments, then a body that says how the rows were made.
///
/// A dataset travels without the run that made it; the card is what keeps the run with it:
/// where the prompts came from, which models answered, which judges and rubrics rated them,
/// how pairs were chosen, what the scores and the judges' agreement looked like, what it cost,
/// the config (credentials removed) and the content hashes of every input. `prefab run` writes
/// the full card (`DatasetCardRun`); `prefab pairs` knows only the rated directory and the
/// pairing, and its card says so.
package struct DatasetCard: Sendable {
    package static let fileName = "README.md"

    /// One split that has rows: its name, the glob of its JSONL shards relative to the pairs
    /// directory (MDS shards, in `SPLIT/mds/`, are not matched), and its row count.
    package struct Split: Hashable, Sendable {
        package var name: String
        package var path: String
        package var rows: Int
    }

    package var title: String
    package var pairing: PairingSummary
    package var format: PairFormat
    package var splits: [Split]
    /// How a run made the rows; nil when `prefab pairs` made them from `ratedSource`.
    package var run: DatasetCardRun?
    package var ratedSource: String?
    /// The run's report: score distributions, agreement, bias, diversity, cost.
    package var report: RunReport?
    /// Prompt hygiene (deduplication, decontamination) counts, when the run applied it.
    package var hygiene: HygieneCounts?
    /// Values that must never appear in the card (the endpoints' API keys, read from the
    /// environment): replaced wherever they appear, in case one found its way into a config
    /// value or a model's answer shown as an example.
    package var secrets: [String]
    /// Which command wrote the card, for its header comment.
    package var writer: String

    package init(
        title: String, pairing: PairingSummary, format: PairFormat, splits: [Split], run: DatasetCardRun? = nil,
        ratedSource: String? = nil, report: RunReport? = nil, hygiene: HygieneCounts? = nil, secrets: [String] = [],
        writer: String
    ) {
        self.title = title
        self.pairing = pairing
        self.format = format
        self.splits = splits
        self.run = run
        self.ratedSource = ratedSource
        self.report = report
        self.hygiene = hygiene
        self.secrets = secrets
        self.writer = writer
    }

    /// The splits of the pairs directory at `directory` that hold JSONL shards, with their row
    /// counts from `rows` (`PairingSummary.rows`). A split without a shard is left out: a
    /// `data_files` pattern that matches nothing makes `load_dataset` fail.
    package static func splits(in directory: String, rows: [String: Int]) -> [Split] {
        DatasetSplit.Side.allSides.compactMap { side in
            let folder = (directory as NSString).appendingPathComponent(side.rawValue)
            var files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            // A merged partitioned run (`prefab merge`) keeps each partition's shards in
            // `part-…` subdirectories.
            var pattern = "\(side.rawValue)/*"
            if !files.contains(where: { $0.hasSuffix(".jsonl.zst") || $0.hasSuffix(".jsonl") }),
                let part = files.first(where: { $0.hasPrefix("part-") })
            {
                files = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + part)) ?? []
                pattern = "\(side.rawValue)/part-*/*"
            }
            let suffix = files.contains { $0.hasSuffix(".jsonl.zst") } ? ".jsonl.zst" : files.contains { $0.hasSuffix(".jsonl") } ? ".jsonl" : nil
            guard let suffix else { return nil }
            return Split(name: side.rawValue, path: pattern + suffix, rows: rows[side.rawValue] ?? 0)
        }
    }

    /// The card as text: front matter, then the body, with every secret replaced.
    package func render() -> String {
        var text = frontMatter() + "\n" + body()
        for secret in secrets where secret.count >= Self.shortestSecret {
            text = text.replacingOccurrences(of: secret, with: ConfigRedaction.placeholder)
        }
        return text
    }

    /// Shorter values are not scrubbed: replacing every "a" would garble the card, and no real
    /// API key is that short.
    static let shortestSecret = 6

    /// Writes `README.md` into `directory` under a temporary name, fsynced, then renamed, so a
    /// reader never sees half a card.
    package func write(into directory: String) throws(DatasetCardError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        do {
            try AtomicFileWriter.write(Array(render().utf8), to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.description)
        }
    }
}

/// Why a dataset card could not be written.
package enum DatasetCardError: Error, CustomStringConvertible, Sendable {
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "\(path): cannot write the dataset card: \(reason)"
        }
    }
}


extension DatasetSplit.Side {
    /// Train first: the order of the card's splits.
    static let allSides: [DatasetSplit.Side] = [.train, .test]
}
