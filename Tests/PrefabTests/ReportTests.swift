import Foundation
import PrefabShards
import Testing
@testable import Prefab

/// A hand-made run directory (two prompts, two models, two judges, one pair) and the figures
/// the report must compute from it, worked out by hand.
@Suite struct ReportTests {
    static let script = "Answer <script>alert(1)</script> & more"

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "prefab-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func completion(_ model: String, _ response: String, index: Int, prompt: Int, completion: Int, latency: Double) -> SampleCompletion {
        SampleCompletion(
            model: model, principle: "helpfulness", customSystemPrompt: "", response: response, finishReason: "stop",
            usage: TokenUsage(promptTokens: prompt, completionTokens: completion), latency: latency, sampleIndex: index, seed: index)
    }

    static func samples() -> [SampleRecord] {
        [
            SampleRecord(
                promptID: "p1", messages: [.user("Say hi")], instruction: "Say hi", models: ["m1", "m2"],
                completions: [
                    completion("m1", script, index: 0, prompt: 10, completion: 20, latency: 1.0),
                    completion("m2", "plain answer two", index: 1, prompt: 12, completion: 8, latency: 0.5),
                ]),
            SampleRecord(
                promptID: "p2", messages: [.user("Tell me about cats")], instruction: "Tell me about cats", models: ["m1", "m2"],
                completions: [completion("m1", "another reply about cats", index: 0, prompt: 5, completion: 5, latency: 0.5)],
                failures: [SampleFailure(model: "m2", principle: "helpfulness", customSystemPrompt: "", sampleIndex: 1, seed: 1,
                                         reason: "HTTP 503", kind: .httpStatus, attempts: 3)]),
        ]
    }

    static func rated(_ model: String, _ response: String, helpfulness: String, honesty: String, fine: Double?, votes: [JudgeVote] = []) -> RatedCompletion {
        RatedCompletion(
            model: model, response: response,
            annotations: ["helpfulness": AspectAnnotation(rating: helpfulness, rationale: ""), "honesty": AspectAnnotation(rating: honesty, rationale: "")],
            fineGrainedScore: fine, votes: votes)
    }

    static func ratedRecords() -> [RatedRecord] {
        let failed = JudgeVote(judge: "j2", aspect: "honesty", rating: nil, raw: "???", parse: .failed, detail: "no rating found")
        return [
            RatedRecord(
                source: "", instruction: "Say hi", models: ["m1", "m2"],
                completions: [
                    rated("m1", script, helpfulness: "5", honesty: "4", fine: 4.5, votes: [failed]),
                    rated("m2", "plain answer two", helpfulness: "2", honesty: "N/A", fine: 2),
                ], promptID: "p1", messages: [.user("Say hi")], ensemble: "test-ensemble"),
            RatedRecord(
                source: "", instruction: "Tell me about cats", models: ["m1"],
                completions: [rated("m1", "another reply about cats", helpfulness: "3", honesty: "3", fine: 3)],
                promptID: "p2", messages: [.user("Tell me about cats")], ensemble: "test-ensemble"),
        ]
    }

    static func agreement() -> AgreementFigures {
        var j1 = JudgeFigures()
        j1.calls = 2; j1.cachedCalls = 1; j1.promptTokens = 100; j1.completionTokens = 50
        j1.positionComparisons = 4; j1.firstPreferred = 3; j1.lengthComparisons = 4; j1.longerPreferred = 1
        j1.comparisonsByPosition = [4, 4]; j1.higherByPosition = [3, 1]
        var j2 = JudgeFigures()
        j2.calls = 2; j2.promptTokens = 80; j2.completionTokens = 40; j2.votes = 6; j2.parseFailures = 1
        return AgreementFigures(
            krippendorffAlpha: 0.42, alphaUnits: 6,
            pairs: [JudgePairAgreement(first: "j1", second: "j2", items: 6, kappa: 0.5, spearman: 0.6)],
            judges: ["j1": j1, "j2": j2])
    }

    /// samples/, rated/ (with judge-report.json) and pairs/ (h4, best vs random) under a new directory.
    static func makeRun(samples: Bool = true, rated: Bool = true, pairs: Bool = true) throws -> String {
        let root = try temporaryDirectory()
        let encoder = StageShards.encoder()
        if samples {
            let writer = try SampleShards.layout.makeWriter(directory: root + "/samples")
            for record in Self.samples() { try writer.write(jsonLine: [UInt8](try encoder.encode(record))) }
            _ = try writer.finish()
        }
        let ratedDirectory = rated ? root + "/rated" : root + "/.rated-input"
        let writer = try RatedShards.layout.makeWriter(directory: ratedDirectory)
        for record in ratedRecords() { try writer.write(jsonLine: [UInt8](try encoder.encode(record))) }
        _ = try writer.finish()
        if rated {
            let summary = JudgeStageSummary(
                ensemble: "test-ensemble", samples: root + "/samples", output: ratedDirectory, prompts: 3, rated: 2,
                failures: [.init(promptID: "p3", reason: "timeout after 3 attempts")], agreement: agreement())
            try JSONEncoder().encode(summary).write(to: URL(fileURLWithPath: ratedDirectory + "/" + JudgeStage.reportName))
        }
        if pairs {
            _ = try PairStage(
                options: PairingOptions(strategy: .bestVsRandom, seed: 1),
                builder: try PairRowBuilder(format: .h4, strategy: .bestVsRandom), split: try DatasetSplit(testRatio: 0)
            ).run(rated: ratedDirectory, output: root + "/pairs")
        }
        return root
    }

    @Test func countsScoresAndFailuresMatchHandComputedFigures() async throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await RunReport.build(runDirectory: root)
        #expect(report.stages == ["samples", "rated", "pairs"])
        let c = report.counts
        #expect(c.prompts == 2 && c.completions == 3 && c.sampleFailures == 1)
        #expect(c.emptyCompletions == 0 && c.truncatedCompletions == 0)
        #expect(c.ratedPrompts == 2 && c.ratedCompletions == 3 && c.judgeFailures == 1)
        #expect(c.pairsBySplit == ["train": 1])
        #expect(c.droppedByReason == ["too_few_completions": 1])
        #expect(c.promptsWithPairs == 1)

        #expect(report.scores.map(\.aspect) == ["helpfulness", "honesty", "fine-grained"])
        let helpfulness = report.scores[0]
        #expect(helpfulness.histogram.edges == [0.5, 1.5, 2.5, 3.5, 4.5, 5.5])
        #expect(helpfulness.histogram.counts == [0, 1, 1, 0, 1])
        #expect(helpfulness.byModel["m1"]?.counts == [0, 0, 1, 0, 1])
        #expect(helpfulness.byModel["m2"]?.counts == [0, 1, 0, 0, 0])
        #expect(abs(helpfulness.mean! - 10.0 / 3) < 1e-12)
        #expect(helpfulness.meanByModel == ["m1": 4, "m2": 2])
        #expect(helpfulness.missing == 0)
        let honesty = report.scores[1]
        #expect(honesty.missing == 1, "N/A is missing, not a score")
        #expect(honesty.histogram.counts == [0, 0, 1, 1, 0])
        let fine = report.scores[2]
        #expect(fine.histogram.counts == [0, 1, 1, 0, 1], "4.5 falls in the bin [4.5, 5.5)")
        #expect(abs(fine.mean! - 9.5 / 3) < 1e-12)

        #expect(report.agreement?.krippendorffAlpha == 0.42)
        #expect(report.agreement?.judges["j1"]?.prefersFirst == 0.75)
        #expect(report.agreement?.judges["j1"]?.prefersLonger == 0.25)
        #expect(report.ensemble == "test-ensemble")

        #expect(report.failures.samplingByKind == ["http_status": 1])
        #expect(report.failures.judgeParseFailuresByJudge == ["j2": 1])
        #expect(report.failures.judgeParseFailuresByReason == ["no rating found": 1])
        #expect(report.failures.judgePromptsByReason == ["timeout after 3 attempts": 1])

        let m1 = try #require(report.tokens.first { $0.stage == "sampling" && $0.name == "m1" })
        #expect(m1.calls == 2 && m1.promptTokens == 15 && m1.completionTokens == 25 && m1.latencySeconds == 1.5)
        #expect(abs(m1.completionTokensPerSecond! - 25 / 1.5) < 1e-12)
        let j1 = try #require(report.tokens.first { $0.stage == "judging" && $0.name == "j1" })
        #expect(j1.calls == 2 && j1.cachedCalls == 1 && j1.totalTokens == 150)
        #expect(report.endpoints.isEmpty)
        #expect(report.notes.contains { $0.contains("not recorded") })
    }

    @Test func pairMarginsAreBinnedFromTheRows() async throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let pairs = try #require(try await RunReport.build(runDirectory: root).pairs)
        // p1: m1 (4.5) against m2 (2), the only other answer: margin 2.5, in the bin [2.5, 3).
        #expect(pairs.rows == 1)
        #expect(pairs.meanMargin == 2.5)
        let margins = try #require(pairs.margins)
        #expect(margins.edges == stride(from: 0.0, through: 4, by: 0.5).map { $0 })
        #expect(margins.counts == [0, 0, 0, 0, 0, 1, 0, 0])
        #expect(pairs.examples.count == 1)
        #expect(pairs.examples.first?.chosen == Self.script)
        #expect(pairs.examples.first?.chosenModel == "m1")
    }

    @Test func diversityUsesTheCheapMetricsOnAnswersAndPrompts() async throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await RunReport.build(runDirectory: root)
        #expect(report.diversity.map(\.label) == ["responses", "prompts"])
        #expect(report.diversity.map(\.documents) == [3, 2])
        let direct = try await DiversityAnalyzer().analyze(Self.samples().flatMap { $0.completions.map(\.response) }, label: "responses")
        #expect(report.diversity.first == direct)
        #expect(try await RunReport.build(runDirectory: root, diversity: false).diversity.isEmpty)
    }

    @Test func writesJSONAndHTMLAtomicallyAndTheJSONReadsBack() async throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await RunReport.build(runDirectory: root)
        let paths = try report.write(to: root)
        #expect(paths.json == root + "/report.json" && paths.html == root + "/report.html")
        let decoded = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: paths.json)))
        #expect(decoded.counts == report.counts)
        #expect(decoded.scores == report.scores)
        #expect(decoded.pairs == report.pairs)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths.json))) as? [String: Any]
        let counts = object?["counts"] as? [String: Any]
        #expect(counts?["rated_prompts"] as? Int == 2)
        #expect(counts?["pairs_by_split"] as? [String: Int] == ["train": 1])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func reportJSONAndHTMLCarryRatedHigherByPositionPerJudge() async throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await RunReport.build(runDirectory: root)
        let paths = try report.write(to: root)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths.json))) as? [String: Any]
        let judges = (object?["agreement"] as? [String: Any])?["judges"] as? [String: Any]
        let j1 = judges?["j1"] as? [String: Any]
        #expect(j1?["rated_higher_by_position"] as? [Double] == [0.75, 0.25])
        #expect(j1?["comparisons_by_position"] as? [Int] == [4, 4])
        #expect((judges?["j2"] as? [String: Any])?["rated_higher_by_position"] == nil, "no positions compared, no figure")
        let html = RunReportHTML.render(report)
        #expect(html.contains("P(rated higher | position shown)"))
        #expect(html.contains("A (position 0)") && html.contains("B (position 1)"))
        #expect(html.contains(">0.750</span> of 4"))
    }

    @Test func htmlIsSelfContainedEscapedAndHasAChartPerFigure() async throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let html = RunReportHTML.render(try await RunReport.build(runDirectory: root))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.lowercased().contains("<script"), "no script at all, and the model's <script> is escaped")
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        #expect(html.contains("Answer &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
        // Charts: helpfulness, honesty, fine-grained, bias, margins, tokens.
        #expect(html.components(separatedBy: "<svg").count - 1 == 6)
        #expect(html.components(separatedBy: "<figcaption>").count - 1 == 6)
        for section in ["Counts", "Score distributions", "Judge agreement", "Position and length bias", "Pairs", "Diversity", "Failures"] {
            #expect(html.contains(">\(section)</h2>"), "missing section \(section)")
        }
        #expect(html.contains("0.420"), "Krippendorff's alpha")
        #expect(html.contains("0.500") && html.contains("0.600"), "kappa and Spearman cells")
        #expect(html.contains("not recorded"))
    }

    @Test func showsOnlyTheStagesThatExist() async throws {
        let root = try Self.makeRun(samples: false, rated: true, pairs: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await RunReport.build(runDirectory: root)
        #expect(report.stages == ["rated"])
        #expect(report.counts.prompts == nil && report.counts.pairsBySplit == nil)
        #expect(report.counts.ratedPrompts == 2)
        #expect(report.pairs == nil)
        #expect(report.diversity.map(\.label) == ["responses", "prompts"], "texts come from the rated records")
        #expect(report.notes.contains { $0.contains("no samples/") } && report.notes.contains { $0.contains("no pairs/") })
        let html = RunReportHTML.render(report)
        #expect(html.contains("No pairs/ directory."))
    }

    @Test func endpointUsageShowsCostAndThroughputWhenKnown() async throws {
        var record = UsageRecord(endpoint: "local", model: "smol")
        record.requests = 10; record.promptTokens = 300; record.completionTokens = 100; record.cost = 0
        let unpriced = RunReportEndpointUsage(record, priced: false, seconds: 5)
        #expect(unpriced.cost == nil && unpriced.requestsPerSecond == 2 && unpriced.tokensPerSecond == 80)
        let root = try Self.makeRun(pairs: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await RunReport.build(runDirectory: root, endpoints: [unpriced], diversity: false)
        let html = RunReportHTML.render(report)
        #expect(html.contains("<td>local</td><td>smol</td><td>10</td>"))
        #expect(html.contains("not recorded"), "the unknown cost says so")
        #expect(!report.notes.contains { $0.contains("per endpoint not recorded") })
    }

    @Test func aMissingOrEmptyDirectoryIsAClearError() async throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        await #expect(throws: RunReportError.self) { try await RunReport.build(runDirectory: root + "/absent") }
        do {
            _ = try await RunReport.build(runDirectory: root)
            Issue.record("an empty directory must not give a report")
        } catch {
            #expect(error.description.contains("no samples/, rated/ or pairs/"))
        }
    }
}
