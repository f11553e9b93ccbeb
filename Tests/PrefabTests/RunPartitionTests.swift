import Foundation
import PrefabShards
import Testing

@testable import Prefab

/// Choosing a partition, and what each partition keeps to itself (journal, cache, budget).
@Suite("run partitions")
struct RunPartitionTests {
    @Test func eachPromptFallsInExactlyOnePartitionByAStableHashOfItsID() throws {
        let ids = (0..<2000).map { "prompt-\($0)" }
        var sizes = [0, 0, 0, 0]
        for id in ids {
            let owners = try (0..<4).filter { try RunPartition(index: $0, count: 4).contains(promptID: id) }
            #expect(owners.count == 1)
            sizes[owners[0]] += 1
        }
        // Even enough: each part within 15% of a quarter.
        for size in sizes { #expect(abs(size - 500) < 75, "\(sizes)") }
        // The hash is of the id alone: the same in every process, whatever else the input holds.
        #expect(RunPartition.part(of: "prompt-7", count: 4) == RunPartition.part(of: "prompt-7", count: 4))
        #expect(RunPartition.part(of: "prompt-7", count: 1) == 0)
        // Pinned, so a change to the hash (which would move finished prompts between parts of a
        // running job) fails here first.
        #expect(ids.prefix(8).map { RunPartition.part(of: $0, count: 4) } == Self.pinnedParts)
    }

    /// SHA-256("prefab-partition:prompt-i"), first 8 bytes big-endian, mod 4 (Python's hashlib agrees).
    static let pinnedParts = [1, 0, 0, 0, 3, 0, 2, 2]

    @Test func partitionsAreWrittenIOverNAndNamedWithFiveDigits() throws {
        let partition = try RunPartition(parsing: "2/4")
        #expect(partition.index == 2 && partition.count == 4)
        #expect(partition.name == "00002-of-00004")
        #expect(partition.shardDirectoryName == "part-00002-of-00004")
        #expect(RunPartition(directoryName: "00002-of-00004") == partition)
        #expect(RunPartition(directoryName: "2-of-4") == nil)
        #expect(throws: RunPartitionError.indexOutOfRange(index: 4, count: 4)) { try RunPartition(parsing: "4/4") }
        #expect(throws: RunPartitionError.badCount(0)) { try RunPartition(parsing: "0/0") }
        #expect(throws: RunPartitionError.unreadable("two/4")) { try RunPartition(parsing: "two/4") }
    }

    @Test func thePartitionComesFromTheFlagThenSlurmThenAnIndexedJobThenPrefabPartition() throws {
        func resolve(_ environment: [String: String], flag: String? = nil, partitions: Int? = nil) throws -> RunPartitionChoice? {
            try RunPartitionChoice.resolve(flag: flag, partitions: partitions, environment: environment)
        }
        let all = ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "JOB_COMPLETION_INDEX": "2", "PREFAB_PARTITIONS": "3", "PREFAB_PARTITION": "0/2"]
        #expect(try resolve(all, flag: "3/5")?.partition == RunPartition(index: 3, count: 5))
        #expect(try resolve(all, flag: "3/5")?.source == "--partition 3/5")
        let slurm = try #require(try resolve(all))
        #expect(slurm.partition == (try RunPartition(index: 1, count: 4)))
        #expect(slurm.source == "SLURM_ARRAY_TASK_ID=1 of SLURM_ARRAY_TASK_COUNT=4")
        #expect(try resolve(["SLURM_ARRAY_TASK_ID": "5"], partitions: 8)?.partition == RunPartition(index: 5, count: 8))
        var kubernetes = all
        kubernetes["SLURM_ARRAY_TASK_ID"] = nil
        #expect(try resolve(kubernetes)?.partition == RunPartition(index: 2, count: 3))
        #expect(try resolve(kubernetes)?.source == "JOB_COMPLETION_INDEX=2 of PREFAB_PARTITIONS=3")
        #expect(try resolve(["PREFAB_PARTITION": "0/2"])?.partition == RunPartition(index: 0, count: 2))
        #expect(try resolve([:]) == nil)
        // An index without a count, and a count without an index, say what to add.
        #expect(throws: RunPartitionError.self) { try resolve(["SLURM_ARRAY_TASK_ID": "1"]) }
        #expect(throws: RunPartitionError.self) { try resolve(["JOB_COMPLETION_INDEX": "1"]) }
        #expect(throws: RunPartitionError.indexMissing(partitions: 4)) { try resolve([:], partitions: 4) }
        #expect(throws: RunPartitionError.badVariable(name: "SLURM_ARRAY_TASK_ID", value: "x")) {
            try resolve(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"])
        }
        #expect(throws: RunPartitionError.indexOutOfRange(index: 4, count: 4)) {
            try resolve(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"])
        }
    }

    @Test func networkFilesystemsAreToldFromTheMountTable() {
        let table = """
            overlay / overlay rw,relatime 0 0
            tmpfs /tmp tmpfs rw 0 0
            server:/export /shared nfs4 rw,vers=4.2 0 0
            10.0.0.1@tcp:/lfs /lustre/scratch lustre rw 0 0
            s3fs /mnt/my\\040bucket fuse.s3fs rw 0 0
            """
        #expect(FileSystemKind.kind(of: "/shared/journals/a.sqlite", mountTable: table) == .network(name: "nfs4"))
        #expect(FileSystemKind.kind(of: "/lustre/scratch/run", mountTable: table) == .network(name: "lustre"))
        #expect(FileSystemKind.kind(of: "/mnt/my bucket/x", mountTable: table) == .network(name: "fuse.s3fs"))
        #expect(FileSystemKind.kind(of: "/tmp/x", mountTable: table) == .local)
        #expect(FileSystemKind.kind(of: "/sharedother/x", mountTable: table) == .local)
        #expect(FileSystemKind.kind(of: "/home/u/run", mountTable: table) == .local)
        #expect(FileSystemKind(typeName: "cifs").isNetwork && FileSystemKind(typeName: "ceph").isNetwork)
        #expect(FileSystemKind(typeName: "ext4") == .local && FileSystemKind(typeName: "xfs") == .local)
        #expect(FileSystemKind.of(FileManager.default.temporaryDirectory.path) == .local)
        #expect(FileSystemKind.network(name: "nfs").sqliteJournalMode == "DELETE")
        #expect(FileSystemKind.local.sqliteJournalMode == "WAL")
    }

    @Test func aJournalOnANetworkFilesystemUsesARollbackJournalInsteadOfWAL() throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let journal = try RunJournal(path: directory + "/nfs.sqlite", identity: "x", fileSystem: .network(name: "nfs"))
            #expect(try journal.sqliteJournalMode() == "delete")
            try journal.commit([RunJournalEntry(ordinal: 0, promptID: "p0", status: .failed, failures: [])], usage: [], seconds: 0)
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/nfs.sqlite-wal"))
        // Reopened (a requeued task on another node), it finds what was committed.
        let again = try RunJournal(path: directory + "/nfs.sqlite", identity: "x", fileSystem: .network(name: "lustre"))
        #expect(try again.counts().failed == 1)
        let local = try RunJournal(path: directory + "/local.sqlite", identity: "x")
        #expect(local.fileSystem == .local)
        #expect(try local.sqliteJournalMode() == "wal")
    }

    @Test func eachPartitionHasItsOwnJournalCacheAndRunFilesAndAShareOfTheBudget() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 4, extra: "budget: {max_requests: 1000, max_cost: 2}")
            let whole = try RunSetup.load(file: run.config)
            let part = whole.partitioned(try RunPartition(index: 1, count: 4))
            #expect(part.journalPath != whole.journalPath && part.journalPath.hasSuffix("-part-00001-of-00004.sqlite"))
            #expect(part.cachePath == run.directory + "/cache/cache.part-00001-of-00004.sqlite")
            #expect(part.partitioned(nil).cachePath == whole.cachePath)
            #expect(part.runFilesDirectory == run.directory + "/out/parts/00001-of-00004")
            #expect(part.processBudget.maxRequests == 250 && part.processBudget.maxCost == 0.5)
            #expect(whole.processBudget.maxRequests == 1000)

            // journal: a file gets the partition's name; a directory holds the default names.
            let file = part.journal(at: "/shared/j/run.sqlite")
            #expect(file.journalPath == "/shared/j/run.part-00001-of-00004.sqlite")
            #expect(whole.journal(at: "/shared/j/run.sqlite").journalPath == "/shared/j/run.sqlite")
            #expect(part.journal(at: "/shared/j").journalPath.hasPrefix("/shared/j/out-"))

            // journal: in the config, relative to it.
            let shared = try RunFixtures.makeRun(server, prompts: 4, extra: "journal: shared/")
            let sharedPart = try RunSetup.load(file: shared.config).partitioned(try RunPartition(index: 1, count: 4))
            #expect(sharedPart.journalPath.hasPrefix(shared.directory + "/shared/out-"))
            #expect(sharedPart.journalPath.hasSuffix("-part-00001-of-00004.sqlite"))

            // budget.split: per-partition gives each partition the whole budget.
            let config = try String(contentsOfFile: run.config, encoding: .utf8)
            try config.replacingOccurrences(of: "max_cost: 2}", with: "max_cost: 2, split: per-partition}")
                .write(toFile: run.config, atomically: true, encoding: .utf8)
            let perPartition = try RunSetup.load(file: run.config).partitioned(try RunPartition(index: 1, count: 4))
            #expect(perPartition.processBudget.maxRequests == 1000)
            try config.replacingOccurrences(of: "max_cost: 2}", with: "max_cost: 2, split: halves}")
                .write(toFile: run.config, atomically: true, encoding: .utf8)
            #expect(throws: ConfigError.self) { try RunSetup.load(file: run.config) }
        }
    }

    @Test func aDryRunOfOnePartitionEstimatesOnlyItsPrompts() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 40)
            let whole = try await RunEstimate.make(setup: try RunSetup.load(file: run.config))
            var sum = 0
            for index in 0..<4 {
                let part = try RunSetup.load(file: run.config).partitioned(try RunPartition(index: index, count: 4))
                let estimate = try await RunEstimate.make(setup: part)
                let expected = (0..<40).filter { RunPartition.part(of: "p\($0)", count: 4) == index }.count
                #expect(estimate.prompts == expected)
                sum += estimate.prompts
            }
            #expect(whole.prompts == 40 && sum == 40)
        }
    }
}
