import Foundation
import Prefab
import Testing

/// The model-based diversity metrics against the real local llama.cpp server
/// (SmolLM2-135M-Instruct, mean-pooled embeddings from the same server): Vendi and clusters on
/// a few dozen short texts, and the cluster agent's whole protocol (criteria, merge, clustering,
/// verification) with small settings, through a run config's `diversity:` block and the run
/// report. The model is tiny: the tests check that the protocol ran and was accounted for,
/// never that its clusters are good.
@Suite(.localServer, .serialized)
struct DiversityEndToEndTests {
    /// Twelve subjects, two short texts each.
    static let varied = [
        "Knead the dough for ten minutes, then let it rise until doubled.",
        "Roast the vegetables with olive oil and a pinch of salt.",
        "The striker scored twice in the second half of the final.",
        "Our tennis coach wants us to work on the backhand volley.",
        "Python lists keep their order and can hold any kind of value.",
        "A hash map looks up a key in constant time on average.",
        "Heavy rain and strong winds are expected along the coast tonight.",
        "The sky stayed clear and cold all week in the mountains.",
        "Please pay the attached invoice within thirty days.",
        "The quarterly budget leaves little room for new hires.",
        "The train to Lyon leaves from platform four at noon.",
        "Our flight was delayed three hours by fog in Amsterdam.",
        "Water the tomatoes early in the morning during hot weeks.",
        "Prune the roses in late winter, just above an outward bud.",
        "The symphony opens with a slow, quiet passage for strings.",
        "She practised the guitar solo until her fingers hurt.",
        "Change your password if you think someone has seen it.",
        "Two-factor login adds a code from your phone to the password.",
        "Mitochondria turn nutrients into energy the cell can use.",
        "Photosynthesis makes sugar from light, water and carbon dioxide.",
        "The museum's new wing shows sculpture from ancient Greece.",
        "The novel follows three sisters over a single summer.",
        "Stretch your calves before a long run to avoid cramps.",
        "Drink water regularly when you exercise in the heat.",
    ]

    static var environment: [String: String] { ["PREFAB_HOME": LocalServerFixture.home.path] }

    @Test func vendiAndClustersFromTheLocalModelsEmbeddings() async throws {
        let client = try LocalServerFixture.client()
        var configuration = DiversityConfiguration(metrics: [.vendi, .clusters])
        configuration.embeddings = EndpointEmbeddingProvider(client: client, batchSize: 8)
        configuration.embeddingConcurrency = 2
        let analyzer = DiversityAnalyzer(configuration: configuration)

        let varied = try await analyzer.analyze(Self.varied, label: "varied")
        let same = try await analyzer.analyze(Array(repeating: "Thank you for your question.", count: 12), label: "same")
        let vendi = try #require(varied.vendi)
        #expect(vendi.count == 24 && vendi.dimension > 0)
        #expect(varied.embeddingModel == LocalServer.modelAlias)
        // Identical texts have one embedding: one effective document, one cluster.
        #expect(try #require(same.vendi).score < 1.01)
        #expect(same.clusters?.clusters == 1)
        // Different texts are more diverse, however rough a 135M model's embeddings are.
        #expect(vendi.score > 1.5, "Vendi of 24 different texts: \(vendi.score)")
        #expect(vendi.score <= 24)
        let clusters = try #require(varied.clusters)
        #expect(clusters.sampleSize == 24 && (1...24).contains(clusters.clusters))
    }

    @Test func theRunReportMeasuresTheConfiguredModelMetricsWithTheLocalModel() async throws {
        let root = NSTemporaryDirectory() + "prefab-diversity-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeSamples(to: root + "/samples")
        let document = try ConfigDocument(yaml: """
            endpoints:
              - name: local
                provider: local
                timeouts: {connect: 10, request: 600}
                retry: {max_attempts: 2, initial_delay: 1, max_delay: 2}
            diversity:
              fields: [response]
              embeddings: {endpoint: local, batch_size: 8, concurrency: 2}
              cluster_agent: {endpoint: local, k: 6, j: 4, criteria_rounds: 1, rounds: 2, seeds: 1, max_tokens: 512, concurrency: 2, max_retries: 0}
            """, file: "run.yaml")
        let (settings, endpoints) = try RunDiversityConfiguration.read(from: document)
        let ledger = UsageLedger()
        let options = try RunDiversityOptions(settings, endpoints: EndpointSet(endpoints, ledger: ledger, environment: Self.environment))

        let started = ContinuousClock.now
        let report = try await RunReport.build(runDirectory: root, diversity: options)
        let elapsed = ContinuousClock.now - started

        let responses = try #require(report.diversity.first)
        #expect(report.diversity.count == 1 && responses.documents == 24)
        #expect(responses.failures == nil, "\(report.notes)")
        #expect(try #require(responses.vendi).score > 1.5)
        #expect(responses.clusters != nil)
        let agent = try #require(responses.clusterAgent, "\(report.notes)")
        #expect(agent.samplesPerRound == 6 && agent.clusteringRounds == 2)
        let seed = try #require(agent.seeds.first)
        #expect(agent.seeds.count == 1 && !seed.criteria.isEmpty, "the criteria step ran")
        #expect(seed.roundsScored + seed.roundsDiscarded == 2, "every clustering round is scored or counted as discarded")
        if let score = seed.score {
            #expect(seed.roundScores.count == seed.roundsScored)
            #expect((1.0 / 6 - 1e-9)...(6 + 1e-9) ~= score, "D lies between 1/K and K")
            #expect(agent.mean == score && agent.standardDeviation == 0)
        } else {
            #expect(seed.roundsDiscarded == 2)
        }
        let row = try #require(responses.figures.first { $0.key == "cluster-agent" })
        #expect(row.detail.hasPrefix("K = 6"))

        // The calls went through the ledger and show in the report.
        let used = ledger.total
        #expect(used.requests >= 3 + 1 + 2, "24 texts in batches of 8, one proposal, one merge, two rounds at least")
        #expect(report.tokens.first { $0.stage == "diversity" }?.calls == used.requests)
        let paths = try report.write(to: root)
        let html = try String(contentsOfFile: paths.html, encoding: .utf8)
        #expect(html.contains("<td>cluster-agent</td>") && html.contains("Cluster agent: responses"))
        print("diversity e2e: vendi \(responses.vendi?.score ?? 0), clusters \(responses.clusters?.clusters ?? 0), "
            + "cluster agent \(agent.mean.map { String($0) } ?? "n/a") (\(seed.roundsScored) scored, \(seed.roundsDiscarded) discarded, "
            + "failures \(seed.failures)), \(used.requests) calls in \(elapsed)")
    }

    /// A samples/ stage whose 24 completions are `varied`.
    static func writeSamples(to directory: String) throws {
        let writer = try SampleShards.layout.makeWriter(directory: directory)
        let encoder = StageShards.encoder()
        for (index, pair) in stride(from: 0, to: varied.count, by: 2).enumerated() {
            let completions = (0..<2).map { offset in
                SampleCompletion(
                    model: "m\(offset)", principle: "helpfulness", customSystemPrompt: "", response: varied[pair + offset],
                    finishReason: "stop", usage: TokenUsage(promptTokens: 5, completionTokens: 12), latency: 0.1,
                    sampleIndex: offset, seed: offset)
            }
            let record = SampleRecord(
                promptID: "p\(index)", messages: [.user("Write one sentence, topic \(index).")],
                instruction: "Write one sentence, topic \(index).", models: ["m0", "m1"], completions: completions)
            try writer.write(jsonLine: [UInt8](try encoder.encode(record)))
        }
        _ = try writer.finish()
    }
}
