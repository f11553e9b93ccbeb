import Foundation
import PrefabShards

/// Turns a rated directory into training rows in one format, split into train and test.
///
/// Output layout: `OUT/train/` and (with a test ratio above 0) `OUT/test/`, each holding the rows
/// as JSONL.zst (`FORMAT-00000.jsonl.zst`, for HF `datasets`) and as MDS in `mds/` (for MosaicML
/// `StreamingDataset`), plus `OUT/pairs-summary.json` and the dataset card `OUT/README.md`.
/// Everything is written under a temporary name beside OUT and renamed into place at the end, so
/// OUT is either complete or absent.
public struct PairStage: Sendable {
    public var options: PairingOptions
    public var builder: PairRowBuilder
    public var split: DatasetSplit
    public var compression: Compression
    /// People's verdicts (`prefab review`), used over the judges' scores for the prompts they
    /// reviewed; nil when the run was never reviewed.
    package var humanVerdicts: HumanVerdicts?

    public static let summaryName = "pairs-summary.json"

    public init(options: PairingOptions, builder: PairRowBuilder, split: DatasetSplit, compression: Compression = .zstd) {
        self.options = options
        self.builder = builder
        self.split = split
        self.compression = compression
    }

    /// The shard layout for this run's format: its columns, typed for MDS.
    package var layout: StageShards {
        StageShards(
            basename: builder.format.rawValue,
            mdsColumns: builder.format.mdsColumns)
    }

    /// This stage with the verdicts of the `review.sqlite` that belongs with `rated` (in the run
    /// directory above it), when there is one.
    package func reviewed(besideRated rated: String) throws(HumanVerdictsError) -> PairStage {
        var stage = self
        stage.humanVerdicts = try HumanVerdicts.load(besideRated: rated)
        return stage
    }

    public func run(rated: String, output: String, replacing: Bool = false) throws(PairStageError) -> PairingSummary {
        try run(rated: rated, output: output, replacing: replacing, monitor: nil)
    }

    /// `run`, counting the rated records read into `monitor` (against the input's record count
    /// when its manifest or index knows it), so `prefab pairs` on a large input shows progress.
    package func run(rated: String, output: String, replacing: Bool, monitor: RunMonitor?) throws(PairStageError) -> PairingSummary {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: output).standardizedFileURL
        if manager.fileExists(atPath: target.path), !replacing { throw .outputExists(output) }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        try? manager.removeItem(at: staging)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw .io(path: staging.path, reason: "cannot create the output directory: \(error.localizedDescription)")
        }
        do throws(PairStageError) {
            let summary = try write(rated: rated, into: staging.path, title: target.lastPathComponent, monitor: monitor)
            do {
                try AtomicFileWriter.replaceDirectory(target.path, with: staging.path)
            } catch {
                throw .io(path: target.path, reason: error.description)
            }
            return summary
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    private func write(rated: String, into directory: String, title: String, monitor: RunMonitor?) throws(PairStageError) -> PairingSummary {
        let writer: PairsWriter
        do {
            writer = try PairsWriter(run: self, directory: directory)
        } catch {
            throw .shards(error)
        }
        do {
            let dataset = try Shards.open(rated)
            let cursor = try dataset.cursor()
            monitor?.update {
                $0.phase = "running"
                $0.total = dataset.knownRecordCount
            }
            var index = 0
            while let object = try cursor.next() {
                index += 1
                let record: RatedRecord
                do {
                    record = try object.decode(RatedRecord.self)
                } catch {
                    throw PairStageError.invalidRecord(path: rated, record: index, reason: "\(error)")
                }
                try writer.add(record)
                monitor?.update { $0.done += 1 }
            }
            monitor?.update { $0.phase = "writing" }
            let summary = try writer.finish(directory: directory)
            try writeCard(summary, rated: rated, into: directory, title: title)
            monitor?.update { $0.phase = "done" }
            return summary
        } catch let error as PairStageError {
            writer.abandon()
            throw error
        } catch let error as ShardError {
            writer.abandon()
            throw .shards(error)
        } catch {
            writer.abandon()
            throw .io(path: directory, reason: "\(error)")
        }
    }

    /// The dataset card, after the shards: what `prefab pairs` knows (the rated directory, the
    /// pairing, the columns), so `load_dataset(OUT)` finds the splits here too.
    private func writeCard(_ summary: PairingSummary, rated: String, into directory: String, title: String) throws(PairStageError) {
        let card = DatasetCard(
            title: title, pairing: summary, format: builder.format, splits: DatasetCard.splits(in: directory, rows: summary.rows),
            ratedSource: rated, writer: "prefab pairs")
        do {
            try card.write(into: directory)
        } catch {
            throw .io(path: directory, reason: error.description)
        }
    }

    /// A row as one line of JSON, its keys in the format's column order.
    static func line(_ row: PairRow) -> [UInt8] {
        JSONObject(row.fields.map { ($0.name, value($0.value)) }).serializedBytes()
    }

    private static func value(_ field: PairField) -> JSONValue {
        switch field {
        case .string(let text): .string(text)
        case .number(let number): .double(number)
        case .bool(let flag): .bool(flag)
        case .messages(let messages):
            .array(messages.map { .object(JSONObject([("role", .string($0.role)), ("content", .string($0.content))])) })
        }
    }
}
