import Foundation
import PrefabSimulator
import PrefabTestSupport
import Testing
@testable import Prefab

/// How the batch driver picks up a batch whose create call an earlier session started and never
/// heard back from: an Anthropic batch carries no name of ours, so the search must not run beside
/// this session's own creates, and must allow the lost call time to land.
@Suite struct BatchDriverTests {
    /// Two journaled Anthropic batches of three requests each: `lost` left `creating` (its call
    /// started just now) and `waiting` not yet sent; the lost call's batch reaches the provider
    /// 0.7 s after the driver starts, after its first look on an idle machine. The driver adopts
    /// it for `lost`, then creates one batch for `waiting`, and the provider holds exactly two.
    @Test func aLostCreateThatLandsLateIsAdoptedAndNothingIsCreatedTwice() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 4, threads: 2, batchDelaySeconds: 0.1)) { server in
            let directory = try RunBatchTests.makeRun(server, prompts: 1)
            let setup = try RunSetup.load(file: directory + "/batch.yaml")
            let client = try EndpointSet(setup.configuration.sampling.endpoints).endpointClient("judge")
            let cache = try ResponseCache(path: directory + "/driver-cache.sqlite")
            let journal = try RunJournal(path: directory + "/driver-journal.sqlite", identity: "driver-test")

            let collector = BatchCollector(directory: directory, round: 1)
            let settings = BatchConfiguration(maxRequests: 3, maxBytes: 1 << 20)
            for index in 0..<6 {
                let body: JSONValue = ["model": "sim-judge", "max_tokens": 16, "messages": [["role": "user", "content": .string("question \(index)")]]]
                collector.add(endpoint: "judge", stage: "judge", key: BatchCollectorTests.key(index), body: body, structured: false, anthropic: true, settings: settings)
            }
            var batches = try journal.addBatches(try collector.finish())
            #expect(batches.map(\.requests) == [3, 3])
            batches[0].state = .creating
            batches[0].creatingAt = Date().timeIntervalSince1970
            try journal.updateBatch(batches[0])

            let api = BatchAPI(client: client)
            let lost = batches[0]
            let landing = Task {
                try await Task.sleep(for: .milliseconds(700))
                return try await api.create(fileID: nil, path: lost.path, marker: lost.marker, structured: false, completionWindow: "24h")
            }
            var driver = BatchDriver(
                journal: journal, cache: cache, clients: ["judge": client], monitor: RunMonitor(), control: RunControl(), tally: BatchTally())
            // Long enough that a loaded machine still sees the late batch land within it.
            driver.lostCreateGrace = 120
            try await driver.drive(batches)
            let landed = try await landing.value

            let journaled = try journal.batches()
            #expect(journaled.map(\.state) == [.collected, .collected])
            #expect(journaled[0].batchID == landed.id)
            #expect(journaled[1].batchID != landed.id)
            #expect(server.stats().batches.created == 2)
            #expect(server.stats().batches.requestsSubmitted == 6)
            for index in 0..<6 {
                #expect(try await cache.lookup(BatchCollectorTests.key(index)) != nil)
            }
        }
    }
}
