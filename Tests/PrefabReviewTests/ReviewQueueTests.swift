import Foundation
import Prefab
import PrefabShards
@testable import PrefabReview
import PrefabTestSupport
import Testing

@Suite("prefab review: the uncertainty queue")
struct ReviewQueueTests {
    @Test func theQueueListsWhatTheJudgesWereLeastSureOfFirst() throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        _ = try ReviewStore(runDirectory: run)
        let index = try ReviewIndex(runDirectory: run)
        let page = try index.page(ReviewQueueFilter(), offset: 0, limit: 10)
        #expect(page.total == 4)
        #expect(page.entries.map(\.promptID) == ["split", "close", "failed", "calm"])
        #expect(page.entries.map(\.uncertainty) == [1.5, 0.75, 0.5, 0])
        #expect(page.entries.map(\.flags) == [["disagreement", "close"], ["close"], ["failed"], []])
        #expect(page.entries[0].preview == "Prompt split?")
        // Pages follow on.
        #expect(try index.page(ReviewQueueFilter(), offset: 2, limit: 1).entries.map(\.promptID) == ["failed"])
    }

    @Test func theQueueFiltersByModelSourceAspectFlagAndReviewStatus() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try ReviewStore(runDirectory: run)
        let index = try ReviewIndex(runDirectory: run)
        func ids(_ filter: ReviewQueueFilter) throws -> [String] { try index.page(filter, offset: 0, limit: 10).entries.map(\.promptID) }
        #expect(try ids(ReviewQueueFilter(model: "m3")) == ["close", "failed"])
        #expect(try ids(ReviewQueueFilter(source: "math")) == ["calm"])
        #expect(try ids(ReviewQueueFilter(aspect: "helpfulness")).count == 4)
        #expect(try ids(ReviewQueueFilter(aspect: "honesty")).isEmpty)
        #expect(try ids(ReviewQueueFilter(flag: "failed")) == ["failed"])
        #expect(try ids(ReviewQueueFilter(model: "m%")).isEmpty, "LIKE wildcards in a filter match only themselves")
        _ = try await store.label(promptID: "close", reviewer: "ann", verdict: .prefers(0), aspects: nil, note: nil)
        #expect(try ids(ReviewQueueFilter(status: .reviewed)) == ["close"])
        #expect(try ids(ReviewQueueFilter(status: .unreviewed)) == ["split", "failed", "calm"])
        _ = try await store.label(promptID: "close", reviewer: "bob", verdict: .prefers(1), aspects: nil, note: nil)
        #expect(try ids(ReviewQueueFilter(status: .conflicts)) == ["close"])
        let facets = try index.facets()
        #expect(facets["model"]?.map(\.value) == ["m1", "m2", "m3"])
        #expect(facets["source"]?.map(\.value) == ["chat", "math"])
    }

    @Test func theIndexIsBuiltOnceAndRebuiltWhenTheRatedShardsChange() throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        _ = try ReviewStore(runDirectory: run)
        let first = try ReviewIndex(runDirectory: run)
        #expect(first.buildSeconds != nil)
        #expect(try ReviewIndex(runDirectory: run).buildSeconds == nil, "an index that is up to date is not rebuilt")
        try ReviewFixtures.writeRated(ReviewFixtures.standardRecords() + [ReviewFixtures.record("new", [
            ReviewFixtures.completion("m1", "x", 2, 2), ReviewFixtures.completion("m2", "y", 2, 2),
        ])], into: run)
        let rebuilt = try ReviewIndex(runDirectory: run)
        #expect(rebuilt.buildSeconds != nil)
        #expect(rebuilt.count == 5)
        #expect(!FileManager.default.fileExists(atPath: run + "/" + ReviewIndex.fileName + ".partial-\(getpid())"))
    }

    @Test func aRecordTheIndexCannotReadIsNamedByItsPositionAndFieldAndNoIndexIsLeft() throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        _ = try ReviewStore(runDirectory: run)
        let encoder = StageShards.encoder()
        var broken = try JSONObject(parsing: try encoder.encode(ReviewFixtures.standardRecords()[1]))
        var completions = try #require(broken["completions"]?.arrayValue)
        var first = try #require(completions[0].objectValue)
        first["response"] = nil
        completions[0] = .object(first)
        broken["completions"] = .array(completions)
        try? FileManager.default.removeItem(atPath: run + "/rated")
        let writer = try RatedShards.layout.makeWriter(directory: run + "/rated")
        try writer.write(jsonLine: [UInt8](try encoder.encode(ReviewFixtures.standardRecords()[0])))
        try writer.write(jsonLine: broken.serializedBytes())
        _ = try writer.finish()
        #expect {
            _ = try ReviewIndex(runDirectory: run)
        } throws: { error in
            "\(error)".contains("rated: record 2: field 'completions[0].response'")
        }
        #expect(!FileManager.default.fileExists(atPath: run + "/" + ReviewIndex.fileName))
    }

    @Test func aDirectoryWithoutRatedRecordsIsRefusedSayingWhatToRun() throws {
        let scratch = ScratchDirectory("prefab-review-empty")
        defer { scratch.remove() }
        #expect {
            _ = try ReviewIndex(runDirectory: scratch.path)
        } throws: { error in
            "\(error)".contains("no rated/ directory") && "\(error)".contains("prefab run")
        }
    }

    @Test func anItemShowsItsVotesByAspectAndThePairAsItStands() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let server = try ReviewServer(runDirectory: run, access: ReviewAccess(host: "127.0.0.1", token: nil), reviewer: "ann")
        let view = try await server.item(promptID: "calm")
        #expect(view.completions.map(\.letter) == ["A", "B"])
        #expect(view.aspects.map(\.aspect) == ["helpfulness"])
        #expect(view.aspects[0].votes.map(\.rationale) == ["j1 says 5.0", "j2 says 5.0", "j1 says 2.0", "j2 says 2.0"])
        #expect(view.pair.chosen == 0 && view.pair.rejected == 1 && view.pair.labelSource == "judges")
        _ = try await server.store.label(promptID: "calm", reviewer: "ann", verdict: .prefers(1), aspects: ["B/helpfulness": 4], note: "B is right")
        let reviewed = try await server.item(promptID: "calm")
        #expect(reviewed.pair.chosen == 1 && reviewed.pair.rejected == 0 && reviewed.pair.labelSource == "human")
        #expect(reviewed.labels.map(\.note) == ["B is right"])
        #expect(reviewed.labels.first?.aspects == ["B/helpfulness": 4])
    }
}
