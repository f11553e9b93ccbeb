import Foundation
import PrefabShards
import Testing
@testable import Prefab

/// What a collection round writes: each call once, in files cut at the endpoint's limits, one
/// group per endpoint and stage; and how the progress line counts batches by state.
@Suite struct BatchCollectorTests {
    @Test func aCallAskedTwiceIsWrittenOnceAndFilesAreCutAtTheLimits() throws {
        let directory = try JudgingFixtures.temporaryDirectory()
        let collector = BatchCollector(directory: directory, round: 3)
        let settings = BatchConfiguration(maxRequests: 4, maxBytes: 1 << 20)
        let body: JSONValue = ["model": "m", "messages": [["role": "user", "content": "hi"]]]
        for index in 0..<10 {
            let key = Self.key(index)
            #expect(collector.add(
                endpoint: "gpt", stage: "sample", key: key, body: body, structured: false, anthropic: false, settings: settings,
                estimate: TokenUsage(promptTokens: 10, completionTokens: 100)))
            #expect(!collector.add(endpoint: "gpt", stage: "sample", key: key, body: body, structured: false, anthropic: false, settings: settings))
        }
        #expect(collector.add(endpoint: "claude", stage: "judge", key: String(repeating: "f", count: 64), body: body, structured: true, anthropic: true, settings: settings))
        #expect(collector.count == 11)
        let batches = try collector.finish()
        #expect(batches.map(\.requests) == [1, 4, 4, 2])
        #expect(batches.map(\.endpoint) == ["claude", "gpt", "gpt", "gpt"])
        #expect(batches.allSatisfy { $0.round == 3 && $0.state == .written })
        #expect(batches[0].structured && !batches[1].structured)
        // Each batch carries its requests' estimated tokens, for the budget.
        #expect(batches.dropFirst().map(\.estimate.completionTokens) == [400, 400, 200])
        #expect(batches.dropFirst().map(\.estimate.promptTokens) == [40, 40, 20])
        var keys: [String] = []
        for batch in batches.dropFirst() { try BatchDriver.forEachCustomID(in: batch.path) { keys.append($0) } }
        #expect(keys == (0..<10).map(Self.key))
    }

    /// A cache key: SHA-256 hex, as `CacheKey` makes them.
    static func key(_ index: Int) -> String {
        Digest.sha256Hex(Array("request \(index)".utf8))
    }

    @Test func theProgressLineCountsBatchesByState() {
        let tally = BatchTally()
        var batch = JournaledBatch(endpoint: "gpt", stage: "sample", round: 1, path: "/x", requests: 100, bytes: 1, structured: false)
        batch.id = 1
        batch.state = .created
        batch.providerState = "in_progress"
        tally.set(batch)
        batch.id = 2
        batch.providerState = "validating"
        tally.set(batch)
        batch.id = 3
        batch.state = .collected
        tally.set(batch)
        #expect(tally.line == "1 collected (100 requests), 1 in_progress (100 requests), 1 validating (100 requests)")
    }
}
