import Foundation
import Testing
@testable import Prefab

/// The "done means": on 1,000 responses from a single template and 1,000 varied ones,
/// every metric ranks the varied set as more diverse, and the table says by how much.
@Suite struct DiversityRankingTests {
    @Test func everyMetricRanksTheVariedSetAsMoreDiverseAndTheTableSaysByHowMuch() async throws {
        let templated = DiversityCorpusGenerator.templated()
        let varied = DiversityCorpusGenerator.varied()
        #expect(templated.count == 1000 && varied.count == 1000)

        var configuration = DiversityConfiguration(metrics: DiversityMetric.allCases)
        configuration.embeddings = HashingEmbedder(dimension: 128)
        configuration.clusterSampleSize = 300
        configuration.homogenizationSampleSize = 60
        configuration.chat = ScriptedChat(ClusterAgentScript.overlapClusterer)
        configuration.clusterAgent.clusteringRounds = 5
        configuration.clusterAgent.seeds = [0, 1]
        let analyzer = DiversityAnalyzer(configuration: configuration)
        let baseline = try await analyzer.analyze(templated, label: "template")
        let candidate = try await analyzer.analyze(varied, label: "varied")

        let comparisons = DiversityComparison.compare(candidate, against: baseline)
        #expect(comparisons.map(\.key) == [
            "distinct-1", "distinct-2", "distinct-3", "distinct-4", "distinct-5", "distinct-sum",
            "self-repetition", "compression-ratio", "homogenization", "vendi", "clusters", "cluster-agent",
        ])
        for comparison in comparisons {
            #expect(comparison.moreDiverse == true, "\(comparison.key): \(comparison.baseline ?? .nan) → \(comparison.value ?? .nan)")
        }
        let table = DiversityTable.render([baseline, candidate])
        #expect(table.contains("varied vs template"))
        for line in table.split(separator: "\n") where comparisons.contains(where: { line.hasPrefix($0.key + " ") }) {
            #expect(line.contains("× more diverse") || line.contains("more diverse"), "\(line)")
        }
        #expect(table.contains("K = 10"))
        // A few magnitudes that the construction makes certain.
        #expect(try #require(candidate.vendi).score > 10 * (try #require(baseline.vendi).score))
        #expect(try #require(baseline.clusterAgent?.mean) < 0.5)
        #expect(try #require(candidate.clusterAgent?.mean) > 5)
    }

    @Test func tableAndComparisonsReadTheDirectionOfEachMetric() {
        var low = DiversityReport(label: "a", documents: 3)
        low.selfRepetition = SelfRepetition(documents: ["a b c d", "a b c d", "a b c d"])
        low.distinct = DistinctN(documents: ["a a", "a a"], maxN: 1)
        var high = DiversityReport(label: "b", documents: 3)
        high.selfRepetition = SelfRepetition(documents: ["a b c d", "e f g h", "a b c d x"])
        high.distinct = DistinctN(documents: ["a b", "c d"], maxN: 1)

        let comparisons = DiversityComparison.compare(high, against: low)
        let distinct = comparisons.first { $0.key == "distinct-1" }
        #expect(distinct?.factor == 4)
        #expect(distinct?.summary == "4× more diverse")
        let repetition = comparisons.first { $0.key == "self-repetition" }
        // log 3 → (2·log 2 + 0) / 3: lower, so more diverse by log 3 / that.
        #expect(repetition?.moreDiverse == true)
        #expect(abs((repetition?.factor ?? 0) - log(3.0) / (2 * log(2.0) / 3)) < 1e-12)
        let reverse = DiversityComparison.compare(low, against: high).first { $0.key == "distinct-1" }
        #expect(reverse?.summary == "4× less diverse")

        let table = DiversityTable.render([low, high])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("metric"))
        #expect(lines[0].contains("b vs a"))
        #expect(lines.contains { $0.hasPrefix("distinct-1") && $0.contains("higher") && $0.contains("0.2500") && $0.contains("4× more diverse") })
        #expect(lines.contains { $0.hasPrefix("self-repetition") && $0.contains("lower") })
    }

    @Test func analyzerSaysWhatAMetricIsMissing() async {
        let analyzer = DiversityAnalyzer(configuration: DiversityConfiguration(metrics: [.vendi]))
        await #expect(throws: DiversityError.self) { try await analyzer.analyze(["a"]) }
        let agent = DiversityAnalyzer(configuration: DiversityConfiguration(metrics: [.clusterAgent]))
        #expect(throws: DiversityError.missingRequirement(metric: .clusterAgent, need: "a chat model (--agent-url and --agent-model)")) {
            try agent.validate()
        }
        await #expect(throws: DiversityError.noDocuments) { try await DiversityAnalyzer().analyze([]) }
    }

    @Test func cheapDefaultsNeedNoModelAndReportJSONRoundTrips() async throws {
        let report = try await DiversityAnalyzer().analyze(DiversityCorpusGenerator.varied(count: 50), label: "v")
        #expect(report.distinct != nil && report.selfRepetition != nil && report.compression != nil && report.homogenization != nil)
        #expect(report.vendi == nil && report.clusters == nil && report.clusterAgent == nil)
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(DiversityReport.self, from: data) == report)
    }
}
