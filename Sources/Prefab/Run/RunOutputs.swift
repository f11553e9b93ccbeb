import Foundation
import PrefabShards

/// The shard writers of one session: samples, rated records and pairs, written as prompts
/// complete into a staging directory inside the output (`OUT/.partial/`), and moved into place
/// (`OUT/samples`, `OUT/rated`, `OUT/pairs`) only when the session ends. A killed session leaves
/// the previous output as it was; the next one removes the staging directory and rebuilds it
/// from the journal. A partition stages in `OUT/.partial-00002-of-00004/` and moves its files
/// into the parts' subdirectories instead (`RunPartitionLayout.place`).
final class RunOutputs {
    static let stages = ["samples", "rated", "pairs"]
    static let stagingName = ".partial"

    /// The staging directory of `output` (a partition's own, so partitions sharing an output never
    /// share one).
    static func staging(output: String, partition: RunPartition?) -> String {
        (output as NSString).appendingPathComponent(stagingName + (partition.map { "-" + $0.name } ?? ""))
    }
    static let labelSourceKey = Array("\"label_source\"".utf8)

    let output: String
    let staging: String
    let samples: StageShardWriter
    let rated: StageShardWriter
    let pairs: PairsWriter
    let partition: RunPartition?
    /// Where a partition's non-shard files go.
    let runFiles: String

    init(
        output: String, pairing: PairStage, configHash: String, shardSizeLimit: Int, partition: RunPartition? = nil,
        runFiles: String? = nil, shardClosed: ShardClosedObserver = .nobody
    ) throws(RunError) {
        self.output = output
        self.partition = partition
        self.runFiles = runFiles ?? output
        // People's verdicts from `prefab review` decide the pairs of the prompts they reviewed.
        var pairing = pairing
        do {
            pairing.humanVerdicts = try HumanVerdicts.load(runDirectory: output)
        } catch {
            throw .output(path: ReviewDatabase.path(runDirectory: output), reason: error.description)
        }
        let staging = Self.staging(output: output, partition: partition)
        self.staging = staging
        let manager = FileManager.default
        try? manager.removeItem(atPath: staging)
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw .output(path: staging, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let path = { (stage: String) in (staging as NSString).appendingPathComponent(stage) }
        var opened: [StageShardWriter] = []
        do throws(ShardError) {
            samples = try SampleShards.layout.makeWriter(
                directory: path("samples"), configHash: configHash, shardSizeLimit: shardSizeLimit, shardClosed: shardClosed)
            opened.append(samples)
            rated = try RatedShards.layout.makeWriter(
                directory: path("rated"), configHash: configHash, shardSizeLimit: shardSizeLimit, shardClosed: shardClosed)
            opened.append(rated)
            pairs = try PairsWriter(run: pairing, directory: path("pairs"), shardSizeLimit: shardSizeLimit, shardClosed: shardClosed)
        } catch {
            for writer in opened { writer.abandon() }
            throw .output(path: staging, reason: "\(error)")
        }
    }

    /// Writes one finished prompt's records: its sample, its rated record and its pairs. Returns
    /// the shard files that hold them, relative to the output directory (where they will be
    /// once the session ends), for the journal.
    func write(sampleLine: [UInt8], ratedLine: [UInt8], record: RatedRecord) throws(ShardError) -> [String] {
        try samples.write(jsonLine: sampleLine)
        let reviewedByPeople = pairs.run.humanVerdicts?.verdict(for: record.promptID) != nil
        // A journal from before `label_source` existed holds records without it, which the MDS
        // copy (one column per key) would refuse: those are encoded again too.
        if reviewedByPeople || ratedLine.firstRange(of: Self.labelSourceKey) == nil {
            // The journal keeps the judges' record; the shard says who decided it.
            var reviewed = record
            reviewed.labelSource = reviewedByPeople ? .human : .judges
            guard let line = try? StageShards.encoder().encode(reviewed) else {
                throw ShardError.invalidArgument("cannot encode the rated record of \(record.promptID)")
            }
            try rated.write(jsonLine: [UInt8](line))
        } else {
            try rated.write(jsonLine: ratedLine)
        }
        let pairShards = try pairs.add(record)
        return relative(samples.currentShards + rated.currentShards + pairShards)
    }

    /// The shard files every writer is filling now, relative to the staging directory: any
    /// other shard file a writer named is closed (`ShardStreamer` counts those).
    var openShards: [String] {
        relative(samples.currentShards + rated.currentShards + pairs.currentShards)
    }

    private func relative(_ paths: [String]) -> [String] {
        let prefix = staging + "/"
        return paths.map { path in path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path }
    }

    /// Finishes every writer and the stage reports, then swaps the stage directories into place.
    func finish(judgeReport: JudgeStageSummary) throws(RunError) -> PairingSummary {
        let summary: PairingSummary
        do {
            try samples.finish()
            try rated.finish()
        } catch {
            abandon()
            throw .output(path: staging, reason: "\(error)")
        }
        do {
            summary = try pairs.finish(directory: (staging as NSString).appendingPathComponent("pairs"))
            try JudgeStage.writeAtomically(judgeReport, to: (staging as NSString).appendingPathComponent("rated/\(JudgeStage.reportName)"))
        } catch {
            abandon()
            throw .output(path: staging, reason: "\(error)")
        }
        if let partition {
            try RunPartitionLayout.place(staging: staging, output: output, runFiles: runFiles, partition: partition)
            try? FileManager.default.removeItem(atPath: staging)
            return summary
        }
        for stage in Self.stages {
            let target = (output as NSString).appendingPathComponent(stage)
            do {
                try AtomicFileWriter.replaceDirectory(target, with: (staging as NSString).appendingPathComponent(stage))
            } catch {
                throw .output(path: target, reason: error.description)
            }
        }
        try? FileManager.default.removeItem(atPath: staging)
        return summary
    }

    /// Stops every writer and removes the staging directory.
    func abandon() {
        samples.abandon()
        rated.abandon()
        pairs.abandon()
        try? FileManager.default.removeItem(atPath: staging)
    }
}
