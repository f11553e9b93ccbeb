import Foundation
import PrefabShards
import Testing

@testable import Prefab

/// A run made in partitions and merged: the same dataset as one process makes, without a shard
/// moved or rewritten; refused, naming them, when partitions are missing, unfinished or foreign.
@Suite("run partitions merged")
struct RunMergeTests {
    static let datasets = ["samples", "samples/mds", "rated", "rated/mds", "pairs/train", "pairs/train/mds", "pairs/test", "pairs/test/mds"]

    /// Every record of a dataset directory, as canonical JSON text, without the answers'
    /// measured `latency` (seconds the call took: timing, not content, different in every run
    /// that makes the call).
    static func rows(_ directory: String) throws -> [String] {
        func withoutLatency(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let object):
                return .object(JSONObject(object.filter { $0.key != "latency" }.map { ($0.key, withoutLatency($0.value)) }))
            case .array(let items): return .array(items.map(withoutLatency))
            default: return value
            }
        }
        return try Shards.open(directory).readAll().map {
            String(decoding: withoutLatency(.object($0)).serializedBytes(style: .pythonSortedKeys), as: UTF8.self)
        }
    }

    /// Runs partitions `indices` of `count` of the config into its output.
    static func runPartitions(_ config: String, _ indices: [Int], of count: Int) async throws {
        for index in indices {
            let setup = try RunSetup.load(file: config).partitioned(try RunPartition(index: index, count: count))
            var pipeline = RunPipeline(setup: setup)
            pipeline.partitionSource = "test"
            let summary = try await pipeline.run()
            #expect(summary.stopReason == nil && summary.failed == 0)
        }
    }

    /// Every file under `directory`, by relative path.
    static func files(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: directory)! {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[path] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path)) }
        }
        return files
    }

    @Test(.timeLimit(.minutes(10)))
    func threePartitionsMergedHoldTheSameRowsAsOneProcessWithoutRewritingAShard() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 24, output: "parted")
            try RunFixtures.yaml(server, output: "single").write(toFile: run.directory + "/single.yaml", atomically: true, encoding: .utf8)
            let single = try await RunFixtures.pipeline(run.directory + "/single.yaml").run()
            #expect(single.done == 24)

            try await Self.runPartitions(run.config, [0, 1, 2], of: 3)
            let out = run.directory + "/parted"
            // Each part is a dataset of its own, in its subdirectory; the run files are apart.
            for index in 0..<3 {
                let partition = try RunPartition(index: index, count: 3)
                for dataset in ["samples", "samples/mds", "rated", "pairs/train"] {
                    #expect(FileManager.default.fileExists(atPath: "\(out)/\(dataset)/\(partition.shardDirectoryName)/manifest.json"), "\(dataset)")
                }
                for file in ["run-summary.json", "partition.json", "agreement.json", "rated/judge-report.json", "pairs/pairs-summary.json"] {
                    #expect(FileManager.default.fileExists(atPath: "\(out)/parts/\(partition.name)/\(file)"), "\(file)")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: out + "/samples/manifest.json"))
            let parts = try Self.files(out + "/samples").merging(try Self.files(out + "/pairs")) { a, _ in a }

            var merge = RunMerge(output: out)
            merge.setup = try RunSetup.load(file: run.config)
            let merged = try await merge.run()
            #expect(merged.partitions == 3)
            // With the config, the dataset card, its splits reaching into the parts.
            let card = try String(contentsOfFile: out + "/pairs/README.md", encoding: .utf8)
            #expect(card.contains("train/part-*/*.jsonl.zst"), "\(card.prefix(600))")
            #expect(merged.summary.prompts == 24 && merged.summary.done == 24 && merged.summary.failed == 0)
            #expect(merged.summary.completions == single.completions)
            #expect(merged.summary.pairs?.rows == single.pairs?.rows)
            #expect(merged.summary.runUsage.map(\.requests) == single.runUsage.map(\.requests))

            // The same rows as one process, as a set, in every dataset directory and format.
            for dataset in Self.datasets {
                let a = try Self.rows(run.directory + "/single/" + dataset)
                let b = try Self.rows(out + "/" + dataset)
                #expect(a.count == b.count, "\(dataset)")
                #expect(Set(a) == Set(b), "\(dataset)")
            }
            // Root indexes name the parts' files; no shard was moved or rewritten.
            let manifest = try #require(try ShardManifest.load(from: out + "/pairs/train"))
            #expect(manifest.shards.allSatisfy { $0.file.hasPrefix("part-0000") && $0.file.contains("-of-00003/") })
            let index = try MDSIndex.load(from: out + "/samples/mds")
            #expect(index.shards.allSatisfy { $0.storedFile.basename.hasPrefix("part-") })
            let after = try Self.files(out + "/samples").merging(try Self.files(out + "/pairs")) { a, _ in a }
            for (path, bytes) in parts { #expect(after[path] == bytes, "\(path)") }

            // Judge agreement from the summed accumulators equals one process's.
            let decoder = JSONDecoder()
            let one = try decoder.decode(JudgeStageSummary.self, from: Data(contentsOf: URL(fileURLWithPath: run.directory + "/single/rated/judge-report.json")))
            let all = try decoder.decode(JudgeStageSummary.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/rated/judge-report.json")))
            #expect(all.rated == one.rated && all.prompts == one.prompts)
            #expect(all.agreement.alphaUnits == one.agreement.alphaUnits)
            #expect(abs((all.agreement.krippendorffAlpha ?? 0) - (one.agreement.krippendorffAlpha ?? 0)) < 1e-9)
            #expect(all.agreement.judges.mapValues(\.votes) == one.agreement.judges.mapValues(\.votes))
            #expect(FileManager.default.fileExists(atPath: out + "/report.html"))

            // Merging again gives the same files.
            let first = try Self.files(out).filter { !$0.key.hasPrefix("report") && !$0.key.hasSuffix("README.md") }
            _ = try await merge.run()
            let second = try Self.files(out).filter { !$0.key.hasPrefix("report") && !$0.key.hasSuffix("README.md") }
            #expect(first == second)
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func theMergeRefusesMissingUnfinishedAndForeignPartitionsNamingThem() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 8)
            let out = run.directory + "/out"
            try await Self.runPartitions(run.config, [0, 2], of: 4)
            // Partition 3 started and was killed: its state still says running.
            let three = try RunPartition(index: 3, count: 4)
            let threeFiles = out + "/parts/" + three.name
            try FileManager.default.createDirectory(atPath: threeFiles, withIntermediateDirectories: true)
            try RunPipeline.writeJSON(RunPartitionState(partition: three, identity: "x", status: .running, source: "test"), to: threeFiles + "/partition.json")
            do {
                _ = try await RunMerge(output: out).run()
                Issue.record("merged with partitions missing")
            } catch {
                let text = "\(error)"
                #expect(text.contains("partition 1/4: missing"), "\(text)")
                #expect(text.contains("partition 3/4: running, or killed mid-run"), "\(text)")
                #expect(!text.contains("partition 0/4") && !text.contains("partition 2/4"), "\(text)")
            }
            #expect(!FileManager.default.fileExists(atPath: out + "/samples/manifest.json"))

            // Another count into the same output is refused before anything runs.
            await #expect(throws: RunError.self) { try await Self.runPartitions(run.config, [0], of: 3) }
            // So is a whole run, which would replace the parts' datasets: they stay as they were.
            let before = try Self.files(out)
            do {
                _ = try await RunPipeline(setup: try RunSetup.load(file: run.config)).run()
                Issue.record("a whole run went into an output holding partitions")
            } catch {
                #expect("\(error)".contains("holds partitions of a split run (parts/00000-of-00004"), "\(error)")
            }
            #expect(try Self.files(out) == before)

            try await Self.runPartitions(run.config, [1, 3], of: 4)
            // A partition made from another config (its identity differs) is named.
            let statePath = out + "/parts/00001-of-00004/partition.json"
            var state = try JSONDecoder().decode(RunPartitionState.self, from: Data(contentsOf: URL(fileURLWithPath: statePath)))
            state.identity = "0123456789abcdef0123"
            try RunPipeline.writeJSON(state, to: statePath)
            do {
                _ = try await RunMerge(output: out).run()
                Issue.record("merged partitions of different configs")
            } catch {
                #expect("\(error)".contains("partition 1: run identity 0123456789abcdef…"), "\(error)")
            }
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aKilledPartitionResumesFromItsOwnJournalAndTheMergeWaitsForIt() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 12)
            let out = run.directory + "/out"
            try await Self.runPartitions(run.config, [0, 1], of: 2)
            let requests = server.stats().totalRequests
            // Running a finished partition again takes every prompt from its journal.
            let again = try await RunPipeline(setup: try RunSetup.load(file: run.config).partitioned(try RunPartition(index: 1, count: 2))).run()
            #expect(again.resumed == again.done && again.done > 0)
            #expect(server.stats().totalRequests == requests)
            let merged = try await RunMerge(output: out).run()
            #expect(merged.summary.done == 12)
        }
    }
}
