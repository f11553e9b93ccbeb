import Foundation
import PrefabShards

/// Re-judges existing samples with an ensemble: reads a samples shard directory (or file),
/// rates each prompt, and writes rated records in input order to a new directory (JSONL.zst,
/// and MDS in `mds/`: `RatedShards`), with a `judge-report.json` of the run's agreement figures. Nothing is sampled again, and with a
/// response cache nothing already answered is paid for again.
public struct JudgeStage: Sendable {
    public var ensemble: JudgeEnsemble
    /// Prompts rated at the same time.
    public var window: Int

    public static let reportName = "judge-report.json"

    public init(ensemble: JudgeEnsemble, window: Int = 8) {
        self.ensemble = ensemble
        self.window = max(1, window)
    }

    /// Runs over `samples`, writing to `output` (which must be absent or empty). A prompt whose
    /// calls fail is left out of the shards and listed in the summary's failures.
    public func run(samples: String, output: String, limit: Int? = nil) async throws -> JudgeStageSummary {
        try await run(samples: samples, output: output, limit: limit, monitor: nil)
    }

    /// `run`, counting samples into `monitor` as they are rated (against the input's count when
    /// its manifest or index knows it), so `prefab judge` can show how far it is and how fast.
    /// `named`: the input and output as the command named them (`s3://…`), for the report, when
    /// they are read and written through local copies.
    package func run(
        samples: String, output: String, limit: Int?, monitor: RunMonitor?, named: (samples: String, output: String)? = nil
    ) async throws -> JudgeStageSummary {
        let dataset = try Shards.open(samples)
        let cursor = try dataset.cursor()
        let known = dataset.knownRecordCount
        monitor?.update {
            $0.phase = "running"
            $0.total = limit.map { limit in known.map { min($0, limit) } ?? limit } ?? known
        }
        let writer = try RatedShards.layout.makeWriter(directory: output)
        let encoder = StageShards.encoder()
        var failures: [JudgeStageSummary.Failure] = []
        var accumulator = ReliabilityAccumulator()
        var read = 0
        do {
            let ensemble = self.ensemble
            // Reads lazily: at most `window` prompts in flight or waiting their turn; results
            // arrive in any order and are written in input order.
            try await OrderedWindow<(String, Result<RatedRecord, any Error>)>(inFlight: window).run(
                admit: { index throws in
                    if let limit, read >= limit { return .end }
                    guard let object = try cursor.next() else { return .end }
                    read += 1
                    let input: SampleRecord
                    do {
                        input = try object.decode(SampleRecord.self)
                    } catch {
                        throw JudgeStageError.invalidSample(path: samples, record: read, reason: Self.describe(error))
                    }
                    return .run {
                        do {
                            return (input.promptID, .success(try await ensemble.rate(input)))
                        } catch {
                            return (input.promptID, .failure(error))
                        }
                    }
                },
                emit: { _, rated throws in
                    let (id, result) = rated
                    switch result {
                    case .success(let record):
                        accumulator.add(record)
                        let line = [UInt8](try encoder.encode(record))
                        try writer.write(jsonLine: line)
                        monitor?.update { $0.done += 1 }
                    case .failure(let error):
                        // A failed call leaves the prompt out; a spent budget, or anything that
                        // is not a judge's failure, ends the stage.
                        guard let failure = error as? JudgeError else { throw error }
                        if case .budgetExhausted = failure { throw failure }
                        failures.append(.init(promptID: id, reason: failure.description))
                        monitor?.update {
                            $0.failed += 1
                            $0.failuresByKind[failure.failureKind.rawValue, default: 0] += 1
                        }
                    }
                },
                running: { running in monitor?.update { $0.inFlight = running } })
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        monitor?.update { $0.phase = "done" }
        let summary = JudgeStageSummary(
            ensemble: ensemble.configuration.name, samples: named?.samples ?? samples, output: named?.output ?? output, prompts: read,
            rated: read - failures.count, failures: failures, agreement: accumulator.figures)
        try Self.writeAtomically(summary, to: (output as NSString).appendingPathComponent(Self.reportName))
        return summary
    }

    /// Recomputes every completion's annotations, critique, fine-grained and overall scores and
    /// flags from the votes stored in the rated records at `rated` (any shard path), with this
    /// stage's ensemble's aggregation, and writes them to `output` (absent or empty) the way
    /// `run` does, with a `judge-report.json`. No judge is asked: rated shards written under an
    /// older aggregation (for example before incomplete ratings lost their scores) are repaired
    /// for free, and a changed `aggregation:` block can be tried on old votes.
    ///
    /// Every LLM vote must come from a judge of this ensemble: votes from other judges would
    /// leave the ensemble's aspects unread and every answer incomplete.
    /// `named`: as for `run`.
    public func reaggregate(rated: String, output: String, named: (rated: String, output: String)? = nil) throws -> JudgeStageSummary {
        let source = URL(fileURLWithPath: rated).standardizedFileURL.path
        if source == URL(fileURLWithPath: output).standardizedFileURL.path { throw ReaggregationError.sameDirectory(output) }
        let cursor = try Shards.open(rated).cursor()
        let writer = try RatedShards.layout.makeWriter(directory: output)
        let encoder = StageShards.encoder()
        let known = Set(ensemble.judgeNames)
        var accumulator = ReliabilityAccumulator()
        var read = 0
        do {
            while let object = try cursor.next() {
                read += 1
                var record: RatedRecord
                do {
                    record = try object.decode(RatedRecord.self)
                } catch {
                    throw JudgeStageError.invalidSample(path: rated, record: read, reason: "not a rated record: " + Self.describe(error))
                }
                let judges = Set(record.completions.flatMap { $0.votes.map(\.judge) })
                if let stranger = judges.subtracting(known).sorted().first {
                    throw ReaggregationError.unknownJudge(
                        path: rated, record: read, judge: stranger, ensemble: ensemble.configuration.name, judges: ensemble.judgeNames)
                }
                record.completions = ensemble.aggregator.aggregate(record.completions)
                record.ensemble = ensemble.configuration.name
                accumulator.add(record)
                try writer.write(jsonLine: [UInt8](try encoder.encode(record)))
            }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        let summary = JudgeStageSummary(
            ensemble: ensemble.configuration.name, samples: named?.rated ?? rated, output: named?.output ?? output, prompts: read, rated: read, failures: [],
            agreement: accumulator.figures)
        try Self.writeAtomically(summary, to: (output as NSString).appendingPathComponent(Self.reportName))
        return summary
    }

    /// An ensemble loaded for its aggregation alone: every endpoint its judges name is a client
    /// that refuses calls, so `reaggregate` cannot spend a request, and no endpoints file or
    /// API key is needed.
    public static func offlineEnsemble(file: String, rubrics: RubricLibrary? = nil) throws(JudgeSetupError) -> JudgeEnsemble {
        let configuration: EnsembleConfiguration
        do {
            configuration = try ConfigDocument(contentsOf: file).decode(EnsembleConfiguration.self)
        } catch {
            throw .config(error)
        }
        let clients = JudgeEnsemble.checkingOnlyClients(for: configuration)
        return try JudgeEnsemble.load(file: file, clients: clients.chat, rewardModels: clients.rewardModels, rubrics: rubrics)
    }

    /// Writes the stage report as pretty, key-sorted JSON, atomically.
    static func writeAtomically(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try AtomicFileWriter.write(try encoder.encode(value), to: path)
        } catch {
            throw JudgeStageError.cannotWrite(path: path)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted(let context):
            context.debugDescription
        default:
            "\(error)"
        }
    }
}

/// Why `prefab judge --reaggregate` stopped. Nothing usable is left at the output when it does.
public enum ReaggregationError: Error, CustomStringConvertible, Sendable {
    /// `--out` is the rated directory being read.
    case sameDirectory(String)
    /// A stored vote names a judge the ensemble does not have.
    case unknownJudge(path: String, record: Int, judge: String, ensemble: String, judges: [String])

    public var description: String {
        switch self {
        case .sameDirectory(let path):
            "\(path): --out is the rated directory being read; write the re-aggregated records to a new directory"
        case .unknownJudge(let path, let record, let judge, let ensemble, let judges):
            "\(path): record \(record): a vote from judge '\(judge)', which ensemble '\(ensemble)' does not have (its judges: \(judges.joined(separator: ", "))); pass the ensemble file that rated these records with --judges"
        }
    }
}
