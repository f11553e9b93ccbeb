import Foundation
import Testing
@testable import Prefab

@Suite struct DiversityClusterAgentTests {
    let documents = (1...40).map { "Document number \($0) talks about item \($0 % 6)." }

    private func configuration(rounds: Int = 4, seeds: [UInt64] = [7], retries: Int = 2) -> ClusterAgentConfiguration {
        var configuration = ClusterAgentConfiguration()
        configuration.criteriaRounds = 3
        configuration.clusteringRounds = rounds
        configuration.seeds = seeds
        configuration.maximumRetries = retries
        configuration.concurrency = 3
        return configuration
    }

    /// Answers every step well; clusters as `groups` and marks clusters valid per `valid`.
    private func wellBehaved(groups: [[Int]], valid: [Bool]? = nil) -> ScriptedChat.Script {
        { request, _ in
            switch request.purpose {
            case .proposeCriteria: ClusterAgentScript.proposal
            case .mergeCriteria: ClusterAgentScript.merged
            case .cluster: ClusterAgentScript.clusters(groups)
            case .verifyClusters: ClusterAgentScript.verdicts(valid ?? Array(repeating: true, count: groups.count))
            default: ""
            }
        }
    }

    @Test func validRoundsScoreClustersOverMeanClusterSize() async throws {
        let chat = ScriptedChat(wellBehaved(groups: [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10]]))
        let result = try await ClusterAgent(chat: chat, configuration: configuration()).measure(documents)
        // C = 2 clusters, S = 10/2 = 5 → 0.4 in every round.
        let seed = try #require(result.seeds.first)
        #expect(seed.roundScores == [0.4, 0.4, 0.4, 0.4])
        #expect(seed.score == 0.4)
        #expect(result.mean == 0.4)
        #expect(result.standardDeviation == 0)
        #expect(result.samplesPerRound == 10)
        #expect(seed.roundsDiscarded == 0 && seed.retries == 0 && seed.failures.isEmpty)
        #expect(seed.criteria.map(\.name) == ["topic", "wording", "specificity"])
        #expect(seed.criteria[2].kind == .metric)
        // M proposals, one merge, N clusterings, N verifications.
        #expect(await chat.requests.count == 3 + 1 + 4 + 4)
    }

    @Test func promptsShowTheRightNumberOfSamplesWithTheCriteriaAndASchema() async throws {
        let chat = ScriptedChat(wellBehaved(groups: [Array(1...10)]))
        _ = try await ClusterAgent(chat: chat, configuration: configuration()).measure(documents)
        for request in await chat.requests(.proposeCriteria) {
            #expect(ClusterAgentScript.texts(in: request.user).count == 5)
            #expect(documents.contains(ClusterAgentScript.texts(in: request.user)[0]))
        }
        for request in await chat.requests(.cluster) + chat.requests(.verifyClusters) {
            let shown = ClusterAgentScript.texts(in: request.user)
            #expect(shown.count == 10)
            #expect(Set(shown).count == 10)
            #expect(request.user.contains("1. topic (attribute): The subject the text addresses."))
            #expect(request.user.contains("3. specificity (metric, scored 1 to 5)"))
        }
        for request in await chat.requests {
            let schema = try #require(try JSONSerialization.jsonObject(with: request.schema) as? [String: Any])
            #expect(schema["type"] as? String == "object")
            #expect(!(schema["required"] as? [String] ?? []).isEmpty)
        }
        let cluster = try #require(await chat.requests(.cluster).first)
        #expect(String(decoding: cluster.schema, as: UTF8.self).contains("\"maximum\":10"))
    }

    @Test func malformedJSONIsRetriedWithANewSeedAndThenScored() async throws {
        let good = wellBehaved(groups: [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
        let chat = ScriptedChat { request, seenBefore in
            // Every step answers garbage the first time it sees a prompt.
            if seenBefore == 0 {
                return request.purpose == .cluster ? "Sure! Here are the clusters: {\"clusters\": [" : "not json at all"
            }
            return good(request, seenBefore)
        }
        let result = try await ClusterAgent(chat: chat, configuration: configuration()).measure(documents)
        let seed = try #require(result.seeds.first)
        #expect(seed.roundsScored == 4)
        #expect(seed.score == 0.4)
        // 3 proposals + 1 merge + 4 clusterings + 4 verifications, each retried once.
        #expect(seed.retries == 12)
        #expect(seed.failures == ["malformed_json": 12])
        let clusterSeeds = await chat.requests(.cluster).map(\.seed)
        #expect(Set(clusterSeeds).count == clusterSeeds.count)
    }

    @Test func answersInACodeFenceAreAccepted() async throws {
        let good = wellBehaved(groups: [Array(1...10)])
        let chat = ScriptedChat { request, seen in "```json\n" + good(request, seen) + "\n```" }
        let result = try await ClusterAgent(chat: chat, configuration: configuration()).measure(documents)
        #expect(result.mean == 0.1)
        #expect(result.seeds[0].failures.isEmpty)
    }

    @Test func missingIndicesExhaustTheRetriesAndDiscardTheRound() async throws {
        let chat = ScriptedChat(wellBehaved(groups: [[1, 2, 3], [4, 5, 6, 7, 8, 9]]))
        let result = try await ClusterAgent(chat: chat, configuration: configuration(retries: 2)).measure(documents)
        let seed = try #require(result.seeds.first)
        #expect(seed.roundsDiscarded == 4)
        #expect(seed.roundsScored == 0)
        #expect(seed.score == nil)
        #expect(result.mean == nil && result.standardDeviation == nil)
        #expect(seed.failures == ["missing_index": 12])
        #expect(seed.retries == 8)
        // A discarded clustering is never sent for verification.
        #expect(await chat.requests(.verifyClusters).isEmpty)
    }

    @Test func duplicateAndOutOfRangeIndicesAreCountedSeparately() async throws {
        let chat = ScriptedChat { request, seenBefore in
            switch request.purpose {
            case .cluster:
                switch seenBefore {
                case 0: ClusterAgentScript.clusters([[1, 2, 3, 4, 5], [5, 6, 7, 8, 9, 10]])
                case 1: ClusterAgentScript.clusters([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])
                default: ClusterAgentScript.clusters([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
                }
            case .proposeCriteria: ClusterAgentScript.proposal
            case .mergeCriteria: ClusterAgentScript.merged
            case .verifyClusters: ClusterAgentScript.verdicts([true, true])
            default: ""
            }
        }
        let result = try await ClusterAgent(chat: chat, configuration: configuration(rounds: 3)).measure(documents)
        let seed = try #require(result.seeds.first)
        #expect(seed.failures == ["duplicate_index": 3, "invalid_index": 3])
        #expect(seed.roundsScored == 3)
        #expect(seed.retries == 6)
        #expect(abs((seed.score ?? 0) - 0.4) < 1e-12)
    }

    @Test func verificationRemovesInvalidClustersBeforeScoring() async throws {
        // Clusters {1…5}, {6}, {7}, {8,9,10}; the first is judged invalid. Kept: sizes 1, 1, 3 →
        // C = 3, S = 5/3, C/S = 1.8.
        let chat = ScriptedChat(wellBehaved(groups: [[1, 2, 3, 4, 5], [6], [7], [8, 9, 10]], valid: [false, true, true, true]))
        let result = try await ClusterAgent(chat: chat, configuration: configuration(rounds: 2)).measure(documents)
        let seed = try #require(result.seeds.first)
        #expect(seed.clustersRemoved == 2)
        #expect(seed.roundScores.allSatisfy { abs($0 - 1.8) < 1e-12 })
        let verification = try #require(await chat.requests(.verifyClusters).first)
        #expect(verification.user.contains("Cluster 1: texts 1, 2, 3, 4, 5."))
        #expect(verification.user.contains("Cluster 4: texts 8, 9, 10."))
    }

    @Test func roundsWhoseClustersAreAllInvalidOrWhoseVerdictsAreIncompleteAreDiscarded() async throws {
        let none = ScriptedChat(wellBehaved(groups: [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]], valid: [false, false]))
        let allInvalid = try await ClusterAgent(chat: none, configuration: configuration(rounds: 2)).measure(documents)
        #expect(allInvalid.seeds[0].roundsDiscarded == 2)
        #expect(allInvalid.seeds[0].failures == ["all_clusters_invalid": 2])

        let short = ScriptedChat(wellBehaved(groups: [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]], valid: [true]))
        let incomplete = try await ClusterAgent(chat: short, configuration: configuration(rounds: 2, retries: 1)).measure(documents)
        #expect(incomplete.seeds[0].roundsDiscarded == 2)
        #expect(incomplete.seeds[0].failures == ["incomplete_verdicts": 4])
    }

    @Test func scoreIsTheMeanOfClustersOverMeanSizeAndSpreadIsOverSeeds() async throws {
        #expect(ClusterAgent.roundScore(clusterSizes: [10]) == 0.1)
        #expect(ClusterAgent.roundScore(clusterSizes: Array(repeating: 1, count: 10)) == 10)
        #expect(ClusterAgent.roundScore(clusterSizes: [3, 7]) == 0.4)
        #expect(abs(ClusterAgent.roundScore(clusterSizes: [2, 2, 6]) - 0.9) < 1e-12)

        // The overlap clusterer groups texts of one topic (three shared words of five), so each
        // round's score depends on which documents it drew; recompute D from what was shown.
        let documents = (1...60).map { "t\($0 % 15)a t\($0 % 15)b t\($0 % 15)c doc \($0)" }
        let chat = ScriptedChat(ClusterAgentScript.overlapClusterer)
        let result = try await ClusterAgent(chat: chat, configuration: configuration(rounds: 5, seeds: [1, 2, 3])).measure(documents)
        var expectedBySeed: [Double] = []
        for seed in result.seeds {
            #expect(seed.roundScores.count == 5)
            expectedBySeed.append(seed.roundScores.reduce(0, +) / 5)
            #expect(seed.score == expectedBySeed.last)
        }
        let mean = expectedBySeed.reduce(0, +) / 3
        let spread = (expectedBySeed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 2).squareRoot()
        #expect(abs(try #require(result.mean) - mean) < 1e-12)
        #expect(abs(try #require(result.standardDeviation) - spread) < 1e-12)

        // Every recorded clustering answer, recomputed by hand: C² / K per round.
        var byHand: [Double] = []
        for request in await chat.requests(.cluster) {
            let answer = ClusterAgentScript.overlapClusterer(request, 0)
            let groups = try JSONDecoder().decode(ClusterAgentReply.Clusters.self, from: Data(answer.utf8)).clusters
            byHand.append(Double(groups.count * groups.count) / 10)
        }
        let recorded = result.seeds.flatMap(\.roundScores)
        #expect(zip(byHand.sorted(), recorded.sorted()).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(byHand.count == recorded.count)
        #expect(Set(recorded).count > 1)
    }

    @Test func sameSeedsGiveTheSameResultAndTheSameRequests() async throws {
        let first = ScriptedChat(ClusterAgentScript.overlapClusterer)
        let second = ScriptedChat(ClusterAgentScript.overlapClusterer)
        let config = configuration(rounds: 6, seeds: [4, 5])
        let a = try await ClusterAgent(chat: first, configuration: config).measure(documents)
        let b = try await ClusterAgent(chat: second, configuration: config).measure(documents)
        #expect(a == b)
        let sortedA = await first.requests.map { "\($0.seed) \($0.user)" }.sorted()
        let sortedB = await second.requests.map { "\($0.seed) \($0.user)" }.sorted()
        #expect(sortedA == sortedB)
    }

    @Test func unusableCriteriaStopTheMeasurementWithAClearError() async throws {
        let chat = ScriptedChat { _, _ in "{}" }
        await #expect(throws: DiversityError.criteriaFailed(seed: 7, reason: "all 3 proposal rounds gave unusable answers")) {
            try await ClusterAgent(chat: chat, configuration: configuration()).measure(documents)
        }
        await #expect(throws: DiversityError.tooFewDocuments(needed: 10, available: 4)) {
            try await ClusterAgent(chat: chat, configuration: configuration()).measure(Array(documents.prefix(4)))
        }
    }

    @Test func transportErrorsFromTheModelAreNotSwallowed() async throws {
        struct Down: Error {}
        struct Failing: StructuredChat {
            func respond(to request: StructuredChatRequest) async throws -> String { throw Down() }
        }
        await #expect(throws: Down.self) {
            try await ClusterAgent(chat: Failing(), configuration: configuration()).measure(documents)
        }
    }
}
