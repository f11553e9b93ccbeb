import Foundation
import PrefabShards

/// `prefab merge OUT`: turns the partitions of a run into one dataset, in place.
///
/// For every dataset directory (`samples`, `samples/mds`, `rated`, `pairs/train`, ...) it
/// writes a root `manifest.json` (and `index.json` for MDS) listing the parts' shards by their
/// path inside the directory (`part-00002-of-00004/samples-00000.jsonl.zst`): the layout
/// MosaicML's `merge_index` writes, so `StreamingDataset`, HF `datasets` and `prefab cat`
/// read the directory as they read a single run's. No shard is moved, copied or recompressed:
/// the merge reads only indexes and the parts' small run files, so it takes the same time
/// however large the shards are. The run's files are then combined: `run-summary.json`
/// (counts and costs summed), `failures.jsonl`, `pairs/pairs-summary.json`,
/// `rated/judge-report.json` (agreement computed from the parts' summed accumulators), and the
/// report over everything.
///
/// It refuses, writing nothing, when a partition is missing, unfinished or from another config,
/// and names them. Everything it writes is derived from the parts alone and written atomically,
/// so merging again, or after a partition was rerun, gives the same files.
///
/// An `s3://` output is merged by `RemoteRunMerge`, which runs this over a local copy of the
/// parts' indexes and run files (`location` names the prefix in every message).
package struct RunMerge: Sendable {
    package let output: String
    /// Whether to write `report.json` and `report.html` over the merged run.
    package var writeReport = true
    /// The run's config (`prefab merge --config`): checked against the partitions' run identity,
    /// and with it the merge writes the dataset card (`pairs/README.md`), as a run does.
    package var setup: RunSetup?
    package var environment: [String: String] = ProcessInfo.processInfo.environment
    /// The `s3://` prefix this output directory is a local copy of (`RemoteRunMerge`): named in
    /// every message instead of the copy, and checked against `--config`'s `output:`.
    package var location: String?
    /// Reads the shards the report needs from object storage (the local copy holds only the
    /// parts' indexes).
    package var streamed: StreamedStageReader?

    package init(output: String) {
        self.output = URL(fileURLWithPath: output).standardizedFileURL.path
    }

    /// One merged dataset directory.
    package struct Dataset: Sendable, Hashable {
        /// Relative to the output.
        package var directory: String
        package var parts: Int
        package var shards: Int
        package var records: Int
    }

    package struct Result: Sendable {
        package var partitions: Int
        package var datasets: [Dataset]
        package var summary: RunSummary
    }

    package func run() async throws(RunMergeError) -> Result {
        let partitions = try readyPartitions()
        let runFiles = partitions.map { (output as NSString).appendingPathComponent("\(RunPartitionLayout.partsDirectory)/\($0.name)") }
        var datasets: [Dataset] = []
        for directory in datasetDirectories(count: partitions.count) {
            datasets.append(try mergeIndexes(directory: directory, partitions: partitions))
        }
        let pairing = try mergePairingSummaries(runFiles)
        try mergeJudgeReports(runFiles)
        try mergeFailures(runFiles)
        try copyHygieneReport(from: runFiles[0])
        var summary = try mergeSummaries(runFiles, pairing: pairing)
        var report: RunReport?
        if writeReport {
            let priced = Set(setup?.configuration.sampling.endpoints.filter { $0.price != nil }.map(\.name) ?? [])
            let usage = summary.runUsage.map {
                RunReportEndpointUsage($0, priced: setup == nil ? $0.cost > 0 : priced.contains($0.endpoint), seconds: summary.seconds)
            }
            do {
                var built = try await RunReport.build(runDirectory: output, endpoints: usage, diversity: .cheap, streamed: streamed)
                if let location { built.directory = location }
                summary.report = shown(try built.write(to: output).html)
                report = built
            } catch {
                throw .report(error)
            }
        }
        if let setup {
            do {
                try RunPipeline.writeCard(setup: setup, summary: summary, report: report, environment: environment, writer: "prefab merge", directory: output)
            } catch {
                throw .output(path: shown(output + "/pairs"), reason: "\(error)")
            }
        }
        try write(summary, to: (output as NSString).appendingPathComponent(RunPipeline.summaryName))
        return Result(partitions: partitions.count, datasets: datasets, summary: summary)
    }

    /// `path` (inside the output) as messages name it: under `location` for an `s3://` output.
    func shown(_ path: String) -> String {
        guard let location, path.hasPrefix(output) else { return path }
        return (location.hasSuffix("/") ? String(location.dropLast()) : location) + path.dropFirst(output.count)
    }

    // MARK: checks

    /// Every partition 0..<N present, finished and of one identity; in index order.
    func readyPartitions() throws(RunMergeError) -> [RunPartition] {
        let parts = (output as NSString).appendingPathComponent(RunPartitionLayout.partsDirectory)
        let found = ((try? FileManager.default.contentsOfDirectory(atPath: parts)) ?? []).compactMap(RunPartition.init(directoryName:))
        guard !found.isEmpty else { throw .noPartitions(output: shown(output)) }
        let counts = Set(found.map(\.count)).sorted()
        guard counts.count == 1, let count = counts.first else { throw .mixedCounts(output: shown(output), counts: counts) }
        var problems: [String] = []
        var identities: [String: [Int]] = [:]
        var ready: [RunPartition] = []
        for index in 0..<count {
            let partition = try! RunPartition(index: index, count: count)
            let directory = parts + "/" + partition.name
            guard found.contains(partition) else {
                problems.append("partition \(partition): missing (no \(shown(directory))): it never started")
                continue
            }
            let state: RunPartitionState?
            do {
                state = try RunPartitionState.load(runFiles: directory)
            } catch {
                problems.append("partition \(partition): \(shown(directory))/\(RunPartitionLayout.stateName) is unreadable: \(error)")
                continue
            }
            guard let state else {
                problems.append("partition \(partition): started but wrote no \(RunPartitionLayout.stateName): it never got past checking its prompts")
                continue
            }
            switch state.status {
            case .running:
                problems.append("partition \(partition): running, or killed mid-run (last session: \(state.host), pid \(state.pid))")
            case .stopped:
                problems.append("partition \(partition): stopped before finishing (\(state.done ?? 0) of \(state.prompts ?? 0) prompts done: budget spent, interrupted, or an endpoint refused every call; see \(shown(directory))/\(RunPipeline.summaryName))")
            case .complete:
                identities[state.identity, default: []].append(index)
                ready.append(partition)
            }
        }
        guard problems.isEmpty else { throw .notReady(output: shown(output), count: count, problems: problems) }
        if let setup {
            let configured = setup.outputLocation ?? setup.outputDirectory
            func trimmed(_ path: String) -> String { path.hasSuffix("/") ? String(path.dropLast()) : path }
            if trimmed(configured) != trimmed(location ?? output) {
                throw .inconsistent(path: shown(output), reason: "--config \(setup.file) writes to \(configured), not here")
            }
            if identities.count == 1, let identity = identities.keys.first, identity != setup.identity {
                throw .differentIdentity(output: shown(output), groups: [
                    "partitions 0 to \(count - 1): run identity \(identity.prefix(16))…",
                    "\(setup.file) (--config): run identity \(setup.identity.prefix(16))…",
                ])
            }
        }
        if identities.count > 1 {
            let groups = identities.sorted { ($0.value.count, $1.value.first ?? 0) > ($1.value.count, $0.value.first ?? 0) }.map { identity, indices in
                "partition\(indices.count == 1 ? "" : "s") \(indices.map(String.init).joined(separator: ", ")): run identity \(identity.prefix(16))…"
            }
            throw .differentIdentity(output: shown(output), groups: groups)
        }
        return ready
    }

    // MARK: indexes

    /// Directories (relative to the output) holding `part-…-of-N` subdirectories, sorted.
    func datasetDirectories(count: Int) -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        var queue = [""]
        while let relative = queue.popLast() {
            let path = relative.isEmpty ? output : output + "/" + relative
            var hasParts = false
            for entry in (try? manager.contentsOfDirectory(atPath: path)) ?? [] where !entry.hasPrefix(".") {
                if relative.isEmpty, entry == RunPartitionLayout.partsDirectory { continue }
                if entry.hasPrefix("part-") {
                    if RunPartition(directoryName: String(entry.dropFirst(5)))?.count == count { hasParts = true }
                    continue
                }
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: path + "/" + entry, isDirectory: &isDirectory), isDirectory.boolValue {
                    queue.append(relative.isEmpty ? entry : relative + "/" + entry)
                }
            }
            if hasParts { found.append(relative) }
        }
        return found.sorted()
    }

    /// The root `manifest.json` (and `index.json`) of one dataset directory over its parts.
    func mergeIndexes(directory relative: String, partitions: [RunPartition]) throws(RunMergeError) -> Dataset {
        let directory = output + "/" + relative
        var manifests: [(prefix: String, manifest: ShardManifest)] = []
        var indexes: [(prefix: String, index: MDSIndex)] = []
        for partition in partitions {
            let prefix = partition.shardDirectoryName
            let part = directory + "/" + prefix
            guard FileManager.default.fileExists(atPath: part) else { continue }
            do {
                guard let manifest = try ShardManifest.load(from: part) else {
                    throw RunMergeError.inconsistent(path: shown(part), reason: "no \(ShardManifest.fileName): the partition's files were not all moved into place; run partition \(partition) again")
                }
                manifests.append((prefix, manifest))
                if FileManager.default.fileExists(atPath: part + "/" + MDSIndex.fileName) {
                    indexes.append((prefix, try MDSIndex.load(from: part)))
                }
            } catch let error as RunMergeError {
                throw error
            } catch {
                throw .inconsistent(path: shown(part), reason: "\(error)")
            }
        }
        guard let first = manifests.first?.manifest else {
            return Dataset(directory: relative, parts: 0, shards: 0, records: 0)
        }
        for (prefix, manifest) in manifests.dropFirst()
        where manifest.format != first.format || manifest.compression != first.compression || manifest.configHash != first.configHash {
            throw .inconsistent(
                path: shown(directory + "/" + prefix),
                reason: "\(manifest.format.rawValue), \(manifest.compression), config \(manifest.configHash) where \(manifests[0].prefix) has \(first.format.rawValue), \(first.compression), config \(first.configHash)")
        }
        guard indexes.isEmpty || indexes.count == manifests.count else {
            throw .inconsistent(path: shown(directory), reason: "some parts are MDS (index.json) and some are not")
        }
        let shards = manifests.flatMap { prefix, manifest in
            manifest.shards.map { shard in
                var shard = shard
                shard.file = prefix + "/" + shard.file
                return shard
            }
        }
        var merged = ShardManifest(format: first.format, configHash: first.configHash, compression: .none, shards: shards, toolVersion: first.toolVersion)
        merged.compression = first.compression
        do {
            if !indexes.isEmpty {
                let index = MDSIndex(shards: indexes.flatMap { prefix, index in
                    index.shards.map { shard in
                        var shard = shard
                        shard.rawData.basename = prefix + "/" + shard.rawData.basename
                        if let zip = shard.zipData?.basename { shard.zipData?.basename = prefix + "/" + zip }
                        return shard
                    }
                })
                try AtomicFileWriter.write(index.serialized, to: directory + "/" + MDSIndex.fileName)
            }
            // The manifest last: its presence says the directory is complete.
            try merged.write(to: directory)
        } catch {
            throw .output(path: directory, reason: "\(error)")
        }
        return Dataset(directory: relative, parts: manifests.count, shards: shards.count, records: merged.recordCount)
    }

    // MARK: run files

    private func decode<T: Decodable>(_ type: T.Type, at path: String) throws(RunMergeError) -> T? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .inconsistent(path: shown(path), reason: "unreadable: \(error)")
        }
    }

    private func write(_ value: some Encodable, to path: String) throws(RunMergeError) {
        do {
            try RunPipeline.writeJSON(value, to: path)
        } catch {
            throw .output(path: path, reason: "\(error)")
        }
    }

    func mergePairingSummaries(_ runFiles: [String]) throws(RunMergeError) -> PairingSummary? {
        var merged: PairingSummary?
        for directory in runFiles {
            guard let part = try decode(PairingSummary.self, at: directory + "/pairs/" + PairStage.summaryName) else { continue }
            guard var total = merged else {
                merged = part
                continue
            }
            total.prompts += part.prompts
            total.promptsWithRows += part.promptsWithRows
            total.unlabelled += part.unlabelled
            total.rows.merge(part.rows, uniquingKeysWith: +)
            total.dropped.merge(part.dropped, uniquingKeysWith: +)
            merged = total
        }
        if let merged {
            try write(merged, to: output + "/pairs/" + PairStage.summaryName)
        }
        return merged
    }

    /// `rated/judge-report.json`: counts summed, failures listed, agreement from the summed
    /// accumulators (`agreement.json`), never an average of the parts' figures.
    func mergeJudgeReports(_ runFiles: [String]) throws(RunMergeError) {
        var merged: JudgeStageSummary?
        var reliability = ReliabilityAccumulator()
        for directory in runFiles {
            guard let part = try decode(JudgeStageSummary.self, at: directory + "/rated/" + JudgeStage.reportName) else { continue }
            guard let accumulator = try decode(ReliabilityAccumulator.self, at: directory + "/" + RunPartitionLayout.agreementName) else {
                throw .inconsistent(path: shown(directory), reason: "no \(RunPartitionLayout.agreementName) beside the judge report: run this partition again")
            }
            reliability.merge(accumulator)
            guard var total = merged else {
                merged = part
                continue
            }
            total.prompts += part.prompts
            total.rated += part.rated
            total.failures += part.failures
            merged = total
        }
        guard var merged else { return }
        merged.agreement = reliability.figures
        try write(merged, to: output + "/rated/" + JudgeStage.reportName)
    }

    func mergeFailures(_ runFiles: [String]) throws(RunMergeError) {
        var lines = Data()
        for directory in runFiles {
            let path = directory + "/" + RunPipeline.failuresName
            guard FileManager.default.fileExists(atPath: path) else { continue }
            do {
                lines.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw .inconsistent(path: shown(path), reason: "unreadable: \(error.localizedDescription)")
            }
        }
        let path = output + "/" + RunPipeline.failuresName
        if lines.isEmpty {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        do {
            try AtomicFileWriter.write(lines, to: path)
        } catch {
            throw .output(path: path, reason: error.description)
        }
    }

    /// Every partition scanned the whole input, so each holds the same hygiene report.
    func copyHygieneReport(from runFiles: String) throws(RunMergeError) {
        let source = runFiles + "/" + HygieneReport.fileName
        guard let data = FileManager.default.contents(atPath: source) else { return }
        do {
            try AtomicFileWriter.write(data, to: output + "/" + HygieneReport.fileName)
        } catch {
            throw .output(path: output + "/" + HygieneReport.fileName, reason: error.description)
        }
    }

    /// The run's summary: counts, calls, tokens and costs summed; `seconds` is the longest
    /// partition's (they ran side by side); provenance and hygiene are the same in every part.
    func mergeSummaries(_ runFiles: [String], pairing: PairingSummary?) throws(RunMergeError) -> RunSummary {
        var merged = RunSummary(output: location ?? output)
        var usage: [UsageRecord] = []
        var journals: [String] = []
        var runUsage: [UsageRecord] = []
        for directory in runFiles {
            guard let part = try decode(RunSummary.self, at: directory + "/" + RunPipeline.summaryName) else {
                throw .inconsistent(path: shown(directory), reason: "no \(RunPipeline.summaryName): run this partition again")
            }
            merged.prompts += part.prompts
            merged.done += part.done
            merged.resumed += part.resumed
            merged.failed += part.failed
            merged.notFinished += part.notFinished
            merged.failuresByKind.merge(part.failuresByKind, uniquingKeysWith: +)
            merged.completions += part.completions
            merged.cacheHits += part.cacheHits
            merged.seconds = max(merged.seconds, part.seconds)
            usage += part.usage
            runUsage += part.runUsage
            journals.append(part.journal)
            merged.provenance = merged.provenance ?? part.provenance
            merged.hygiene = merged.hygiene ?? part.hygiene
        }
        merged.usage = RunJournal.merge(usage)
        merged.runUsage = RunJournal.merge(runUsage)
        merged.pairs = pairing
        merged.journal = journals.joined(separator: ", ")
        return merged
    }
}
