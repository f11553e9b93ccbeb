import Foundation
import GRDB
import Testing
@testable import PrefabLLM

/// The SQLite response cache and the cached client.
@Suite struct ResponseCacheTests {
    @Test func aCacheHitMakesNoNetworkCall() async throws {
        let directory = try TemporaryDirectory()
        try await SimFixture.with { sim in
            let cache = try ResponseCache(path: directory.path + "/cache.sqlite")
            let client = CachedChatClient(try EndpointClient(configuration: sim.openAI()), cache: cache)
            let request = SimFixture.ask("Cache me.", GenerationParameters(seed: 3))

            let first = try await client.chat(request)
            let second = try await client.chat(request)

            #expect(!first.cached)
            #expect(second.cached)
            #expect(second.text == first.text)
            #expect(second.usage == first.usage)
            #expect(second.latency == first.latency)
            #expect(sim.server.stats().requests(path: "/v1/chat/completions") == 1)
            let statistics = cache.statistics
            #expect(statistics.hits == 1)
            #expect(statistics.misses == 1)
            try await cache.close()
        }
    }

    @Test func theSampleIndexSeedAndModelKeepEntriesApart() async throws {
        let directory = try TemporaryDirectory()
        try await SimFixture.with { sim in
            let cache = try ResponseCache(path: directory.path + "/cache.sqlite")
            let client = CachedChatClient(try EndpointClient(configuration: sim.openAI()), cache: cache)

            _ = try await client.chat(SimFixture.ask("Same prompt.", sampleIndex: 0))
            _ = try await client.chat(SimFixture.ask("Same prompt.", sampleIndex: 1))
            _ = try await client.chat(SimFixture.ask("Same prompt.", GenerationParameters(seed: 1)))
            var otherModel = SimFixture.ask("Same prompt.")
            otherModel.model = "another-model"
            _ = try await client.chat(otherModel)
            _ = try await client.chat(SimFixture.ask("Same prompt.", sampleIndex: 1))

            #expect(sim.server.stats().requests(path: "/v1/chat/completions") == 4)
            #expect(cache.statistics.hits == 1)
            try await cache.close()
        }
    }

    @Test func committedEntriesAnswerANewProcessWithoutAnyCall() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/cache.sqlite"
        try await SimFixture.with { sim in
            let configuration = sim.openAI()
            let first = try ResponseCache(path: path)
            let original = try await CachedChatClient(try EndpointClient(configuration: configuration), cache: first)
                .chat(SimFixture.ask("Persist me."))
            try await first.close()

            let reopened = try ResponseCache(path: path)
            let again = try await CachedChatClient(try EndpointClient(configuration: configuration), cache: reopened)
                .chat(SimFixture.ask("Persist me."))

            #expect(again.cached)
            #expect(again.text == original.text)
            #expect(sim.server.stats().requests(path: "/v1/chat/completions") == 1)
            try await reopened.close()
        }
    }

    @Test func storesAreBatchedIntoFewCommits() async throws {
        let directory = try TemporaryDirectory()
        let cache = try ResponseCache(path: directory.path + "/cache.sqlite", flushInterval: .seconds(60), batchSize: 100)
        for index in 0..<250 {
            cache.store("key-\(index)", entry(index))
        }
        // Buffered entries answer lookups before they are committed.
        #expect(try await cache.lookup("key-249") == entry(249))
        try await cache.flush()

        let statistics = cache.statistics
        #expect(statistics.writes == 250)
        #expect(statistics.commits <= 4)
        #expect(statistics.pending == 0)
        #expect(try await cache.count() == 250)
        try await cache.close()
    }

    @Test func theDatabaseIsInWALMode() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/cache.sqlite"
        let cache = try ResponseCache(path: path)
        cache.store("k", entry(1))
        try await cache.close()

        let queue = try DatabaseQueue(path: path)
        let mode = try await queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aKilledWriterLeavesEveryCommittedBatchReadable() async throws {
        let bench = try #require(Self.benchExecutable, "prefab-bench is built by `swift build --build-tests`")
        let directory = try TemporaryDirectory()
        let path = directory.path + "/cache.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bench)
        process.arguments = ["cache-writer", "--path", path, "--batch-size", "50"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()

        // Wait until the writer reports a few committed batches, then kill it mid-stream.
        var committed = 0
        var buffer = Data()
        while committed < 500 {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            buffer.append(chunk)
            let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
            if let last = lines.last(where: { $0.hasPrefix("committed ") }), let count = Int(last.dropFirst(10)) {
                committed = count
            }
        }
        kill(process.processIdentifier, SIGKILL)
        await process.exited()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(committed >= 500)

        let reopened = try ResponseCache(path: path)
        #expect(try await reopened.count() >= committed)
        let entry = try #require(try await reopened.lookup(CacheWriterKeys.key(0)))
        #expect(entry.kind == "chat")
        let queue = try DatabaseQueue(path: path)
        let check = try await queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        try await reopened.close()
    }

    @Test func unopenableDatabaseIsATypedErrorNamingThePath() throws {
        let directory = try TemporaryDirectory()
        let blocker = directory.path + "/file"
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        #expect(throws: ResponseCacheError.self) {
            _ = try ResponseCache(path: blocker + "/cache.sqlite")
        }
    }

    private func entry(_ index: Int) -> ResponseCache.Entry {
        ResponseCache.Entry(
            kind: "chat", model: "m", payload: Data("{\"i\":\(index)}".utf8),
            usage: TokenUsage(promptTokens: index, completionTokens: 1), latency: 0.5)
    }

    /// `.build/debug/prefab-bench` beside these sources, when it has been built.
    static var benchExecutable: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/debug/prefab-bench").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}

/// The keys `prefab-bench cache-writer` stores (kept in step with Benchmarks/PrefabBench).
enum CacheWriterKeys {
    static func key(_ index: Int) -> String { "cache-writer-\(index)" }
}
