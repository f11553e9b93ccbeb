import Foundation
import PrefabShards
import PrefabSimulator
import Testing
@testable import Prefab

/// The run report's diversity section with the model-based metrics, through Prefab's real HTTP
/// client against `prefab-sim` (deterministic embeddings per text, schema-valid JSON answers):
/// Vendi, clusters and the cluster agent per field, the ledger's calls in the report, the cache,
/// and a report that is still written, with notes, when the endpoint is down.
@Suite struct ReportDiversityTests {
    /// A run of `prompts` prompts with two varied answers each: samples/, rated/ and pairs/
    /// (one best-vs-random pair per prompt).
    static func makeRun(prompts: Int) throws -> String {
        let root = try ReportTests.temporaryDirectory()
        let answers = DiversityCorpusGenerator.varied(count: 2 * prompts)
        let questions = DiversityCorpusGenerator.varied(count: prompts, seed: 11).map { "Please explain: " + $0 }
        let encoder = StageShards.encoder()
        let samples = try SampleShards.layout.makeWriter(directory: root + "/samples")
        let rated = try RatedShards.layout.makeWriter(directory: root + "/rated")
        for index in 0..<prompts {
            let (first, second) = (answers[2 * index], answers[2 * index + 1])
            let sample = SampleRecord(
                promptID: "p\(index)", messages: [.user(questions[index])], instruction: questions[index], models: ["m1", "m2"],
                completions: [ReportTests.completion("m1", first, index: 0, prompt: 8, completion: 20, latency: 0.2),
                              ReportTests.completion("m2", second, index: 1, prompt: 8, completion: 24, latency: 0.3)])
            try samples.write(jsonLine: [UInt8](try encoder.encode(sample)))
            let record = RatedRecord(
                source: "", instruction: questions[index], models: ["m1", "m2"],
                completions: [ReportTests.rated("m1", first, helpfulness: "5", honesty: "4", fine: 4.5),
                              ReportTests.rated("m2", second, helpfulness: "2", honesty: "2", fine: 2)],
                promptID: "p\(index)", messages: [.user(questions[index])], ensemble: "test-ensemble")
            try rated.write(jsonLine: [UInt8](try encoder.encode(record)))
        }
        _ = try samples.finish()
        _ = try rated.finish()
        _ = try PairStage(
            options: PairingOptions(strategy: .bestVsRandom, seed: 1),
            builder: try PairRowBuilder(format: .h4, strategy: .bestVsRandom), split: try DatasetSplit(testRatio: 0)
        ).run(rated: root + "/rated", output: root + "/pairs")
        return root
    }

    static func withSimulator<T>(_ body: (SimulatorServer, EndpointConfiguration) async throws -> T) async throws -> T {
        let server = SimulatorServer(configuration: SimulatorConfiguration(seed: 4, embeddingDimensions: 48, threads: 1))
        _ = try await server.start()
        do {
            let endpoint = EndpointConfiguration(
                name: "sim", provider: .openAICompatible, baseURL: server.baseURL + "/v1", model: "sim-model",
                price: Price(inputPerMillion: 1, outputPerMillion: 1),
                retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.05, maxRetryAfter: 1))
            let result = try await body(server, endpoint)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Small cluster-agent settings: the simulator's clusters are schema-valid but rarely a clean
    /// partition, so rounds are scored or discarded; both count.
    static func settings(fields: [DiversityField] = [.response, .prompt, .chosen], sample: Int = 1000) -> RunDiversityConfiguration {
        RunDiversityConfiguration(
            fields: fields, sample: sample,
            embeddings: RunDiversityEmbeddings(endpoint: "sim", batchSize: 8),
            clusterAgent: RunDiversityClusterAgent(endpoint: "sim", k: 4, j: 3, criteriaRounds: 1, rounds: 3, seeds: [0, 1], maxRetries: 1))
    }

    @Test func vendiClustersAndTheClusterAgentAppearPerFieldWithKBesideTheScore() async throws {
        let root = try Self.makeRun(prompts: 12)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.withSimulator { server, endpoint in
            let ledger = UsageLedger()
            let options = try RunDiversityOptions(Self.settings(), endpoints: EndpointSet([endpoint], ledger: ledger))
            let report = try await RunReport.build(runDirectory: root, diversity: options)

            #expect(report.diversity.map(\.label) == ["responses", "prompts", "chosen"])
            #expect(report.diversity.map(\.documents) == [24, 12, 12])
            #expect(!report.notes.contains { $0.hasPrefix("diversity") }, "\(report.notes)")
            for field in report.diversity {
                let vendi = try #require(field.vendi, "\(field.label)")
                #expect(vendi.count == field.documents && vendi.dimension == 48)
                #expect(vendi.score > 1 && vendi.score <= Double(field.documents))
                #expect(try #require(field.clusters).sampleSize == field.documents)
                #expect(field.embeddingModel == "sim-model")
                let agent = try #require(field.clusterAgent, "\(field.label)")
                #expect(agent.samplesPerRound == 4 && agent.seeds.map(\.seed) == [0, 1])
                #expect(agent.roundsScored + agent.roundsDiscarded == 2 * 3)
                // The cheap metrics are those of the analyzer on the same texts.
                #expect(field.distinct != nil && field.homogenization != nil && field.failures == nil)
                let row = try #require(field.figures.first { $0.key == "cluster-agent" })
                #expect(row.detail.hasPrefix("K = 4, mean ± sd over 2 seeds"))
                #expect(row.value == agent.mean && row.spread == agent.standardDeviation)
            }
            let responses = DiversityCorpusGenerator.varied(count: 24)
            let direct = try await DiversityAnalyzer().analyze(responses, label: "responses")
            #expect(report.diversity[0].distinct == direct.distinct && report.diversity[0].compression == direct.compression)

            // Every call the metrics made is in the report: the ledger's records as token rows.
            let stats = server.stats()
            let rows = report.tokens.filter { $0.stage == "diversity" }
            #expect(rows.map(\.name) == ["sim (sim-model)"])
            #expect(rows.first?.calls == stats.totalRequests)
            #expect(rows.first?.calls == ledger.total.requests)
            #expect(stats.requests(path: "/v1/embeddings") == 3 + 2 + 2, "24 and 12 and 12 texts in batches of 8")

            let html = RunReportHTML.render(report)
            for text in [">vendi<", ">clusters<", ">cluster-agent<", "K = 4, mean ± sd over 2 seeds", "Cluster agent: responses",
                         "Vendi and clusters from the embeddings of sim-model"] {
                #expect(html.contains(text), "\(text)")
            }
            let paths = try report.write(to: root)
            let decoded = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: paths.json)))
            #expect(decoded.diversity == report.diversity)
        }
    }

    @Test func modelMetricsSeeASeededSampleAndTheCallsJoinTheEndpointsRow() async throws {
        let root = try Self.makeRun(prompts: 12)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.withSimulator { server, endpoint in
            let ledger = UsageLedger()
            var settings = Self.settings(fields: [.response], sample: 10)
            settings.clusterAgent = nil
            let options = try RunDiversityOptions(settings, endpoints: EndpointSet([endpoint], ledger: ledger))
            let before = RunReportEndpointUsage(
                endpoint: "sim", model: "sim-model", requests: 5, promptTokens: 100, completionTokens: 50, cost: 0.25, seconds: 10)
            let report = try await RunReport.build(runDirectory: root, endpoints: [before], diversity: options)
            let responses = try #require(report.diversity.first)
            #expect(responses.documents == 24, "the cheap metrics read every text")
            #expect(responses.vendi?.count == 10 && responses.clusters?.sampleSize == 10)
            #expect(responses.figures.first { $0.key == "vendi" }?.detail == "effective documents, d = 48, 10-doc sample")
            #expect(server.stats().requests(path: "/v1/embeddings") == 2)

            // The same seed draws the same sample.
            let again = try await RunReport.build(runDirectory: root, diversity: try RunDiversityOptions(settings, endpoints: EndpointSet([endpoint])))
            #expect(again.diversity.first?.vendi == responses.vendi)

            let used = ledger.total
            let row = try #require(report.endpoints.first)
            #expect(report.endpoints.count == 1)
            #expect(row.requests == 5 + used.requests && used.requests == 2)
            #expect(row.promptTokens == 100 + used.promptTokens && row.completionTokens == 50 + used.completionTokens)
            #expect(abs((row.cost ?? 0) - (0.25 + used.cost)) < 1e-12)
            #expect(row.seconds == 10)
        }
    }

    @Test func theResponseCacheAnswersARerunWithoutCalls() async throws {
        let root = try Self.makeRun(prompts: 8)
        let cachePath = root + "/cache.sqlite"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.withSimulator { server, endpoint in
            let settings = Self.settings(fields: [.response])
            let cache = try ResponseCache(path: cachePath)
            let first = try await RunReport.build(
                runDirectory: root, diversity: try RunDiversityOptions(settings, endpoints: EndpointSet([endpoint], cache: cache)))
            let calls = server.stats().totalRequests
            #expect(calls > 0)
            let ledger = UsageLedger()
            let second = try await RunReport.build(
                runDirectory: root, diversity: try RunDiversityOptions(settings, endpoints: EndpointSet([endpoint], cache: cache, ledger: ledger)))
            try await cache.close()
            #expect(server.stats().totalRequests == calls, "every answer came from the cache")
            #expect(ledger.total.requests == 0)
            #expect(!second.tokens.contains { $0.stage == "diversity" })
            #expect(second.diversity == first.diversity)
        }
    }

    @Test func aDownEndpointLeavesTheReportWrittenWithNotesSayingWhichMetricAndWhy() async throws {
        let root = try Self.makeRun(prompts: 6)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Port 1 on the loopback: nothing listens, the connection is refused at once.
        let down = EndpointConfiguration(
            name: "down", provider: .openAICompatible, baseURL: "http://127.0.0.1:1/v1", model: "gone",
            timeouts: Timeouts(connect: 2, request: 5), retry: RetryPolicy(maxAttempts: 1))
        let home = NSTemporaryDirectory() + "prefab-no-local-\(UUID().uuidString)"
        let settings = RunDiversityConfiguration(
            fields: [.response, .prompt],
            embeddings: RunDiversityEmbeddings(endpoint: "down"),
            clusterAgent: RunDiversityClusterAgent(endpoint: "local", k: 4, criteriaRounds: 1, rounds: 1, seeds: [0]))
        let options = try RunDiversityOptions(
            settings, endpoints: EndpointSet([down, EndpointConfiguration(name: "local", provider: .local)], environment: ["PREFAB_HOME": home]))
        let report = try await RunReport.build(runDirectory: root, diversity: options)

        #expect(report.diversity.map(\.label) == ["responses", "prompts"])
        for field in report.diversity {
            #expect(field.distinct != nil, "the cheap metrics are there")
            #expect(field.vendi == nil && field.clusters == nil && field.clusterAgent == nil)
            let failures = try #require(field.failures)
            #expect(Set(failures.keys) == ["vendi", "clusters", "cluster-agent"])
            #expect(failures["vendi"]?.contains("endpoint 'down'") == true, "\(failures)")
            #expect(failures["cluster-agent"]?.contains("local model server unavailable") == true, "\(failures)")
            let row = try #require(field.figures.first { $0.key == "vendi" })
            #expect(row.value == nil && row.formatted.hasPrefix("n/a (not measured: endpoint 'down'"))
        }
        #expect(report.notes.contains { $0.hasPrefix("diversity of the responses: vendi and clusters not measured: endpoint 'down'") })
        #expect(report.notes.contains { $0.hasPrefix("diversity of the prompts: cluster-agent not measured: local model server unavailable") })

        let paths = try report.write(to: root)
        let html = try String(contentsOfFile: paths.html, encoding: .utf8)
        #expect(html.contains("<td>cluster-agent</td><td>n/a (not measured: local model server unavailable"))
        #expect(html.contains("vendi and clusters not measured"))
    }

    @Test func tooFewTextsForKAndMissingPairsAreNotedNotFatal() async throws {
        let root = try ReportTests.makeRun(pairs: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.withSimulator { _, endpoint in
            let options = try RunDiversityOptions(Self.settings(fields: [.response, .chosen]), endpoints: EndpointSet([endpoint]))
            let report = try await RunReport.build(runDirectory: root, diversity: options)
            let responses = try #require(report.diversity.first)
            #expect(report.diversity.count == 1)
            #expect(responses.vendi?.count == 3)
            #expect(responses.clusterAgent == nil)
            #expect(responses.failures?["cluster-agent"]?.contains("shows 4 documents per round but the corpus has 3") == true)
            #expect(report.notes.contains("diversity of the chosen not measured: no pairs/ directory"))
        }
    }

    @Test func theOldBooleanCallStillMeasuresTheCheapMetricsOnly() async throws {
        let root = try Self.makeRun(prompts: 4)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await RunReport.build(runDirectory: root)
        #expect(report.diversity.map(\.label) == ["responses", "prompts"])
        #expect(report.diversity.allSatisfy { $0.vendi == nil && $0.clusterAgent == nil && $0.failures == nil })
        #expect(try await RunReport.build(runDirectory: root, diversity: false).diversity.isEmpty)
        #expect(try await RunReport.build(runDirectory: root, diversity: .disabled).diversity.isEmpty)

        // Chosen answers come from the pair rows (h4: the last assistant message).
        var chosenOnly = RunDiversityOptions.cheap
        chosenOnly.fields = [.chosen]
        let chosen = try await RunReport.build(runDirectory: root, diversity: chosenOnly)
        #expect(chosen.diversity.map(\.label) == ["chosen"])
        #expect(chosen.diversity.first?.documents == 4)
    }
}
