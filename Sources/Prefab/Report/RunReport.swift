import Foundation
import PrefabShards

/// Everything a run produced, summarized for people: counts, score distributions, judge
/// agreement and bias, pair margins, diversity, failures, tokens and cost. It is `report.json`,
/// and `RunReportHTML` renders it as `report.html`.
///
/// Built from a run output directory (`samples/`, `rated/`, `pairs/`, any of them absent) so it
/// works after the staged quickstart as well as after `prefab run`; what the shards cannot say
/// (cost, wall-clock throughput) comes in as `endpoints` from the pipeline's usage ledger.
package struct RunReport: Codable, Sendable {
    package static let jsonName = "report.json"
    package static let htmlName = "report.html"

    package var directory: String
    package var tool: String
    /// Which stage directories were found (`samples`, `rated`, `pairs`).
    package var stages: [String]
    package var counts: RunReportCounts
    /// Per aspect (then `fine-grained` and `overall`), with per-model histograms.
    package var scores: [RunReportScoreDistribution]
    /// The run's agreement figures from `rated/judge-report.json`: kappa and Spearman per judge
    /// pair, Krippendorff's alpha, each judge's position and length bias and tokens.
    package var agreement: AgreementFigures?
    package var ensemble: String?
    package var pairs: RunReportPairs?
    /// Diversity of each measured field (responses, prompts, chosen answers): the cheap
    /// metrics, and Vendi, clusters and the cluster agent when configured.
    package var diversity: [DiversityReport]
    package var failures: RunReportFailures
    /// What prompt hygiene removed before sampling; nil when the run had none.
    package var hygiene: RunReportHygiene?
    package var tokens: [RunReportTokenRow]
    /// Cost and throughput per endpoint; empty when not recorded.
    package var endpoints: [RunReportEndpointUsage]
    /// Things the report could not show, and why.
    package var notes: [String]
    /// What people decided in `prefab review` and how far each judge agreed with them; nil
    /// when the run was never reviewed.
    package var humanReview: HumanAgreement?

    package init(
        directory: String, stages: [String] = [], counts: RunReportCounts = RunReportCounts(),
        scores: [RunReportScoreDistribution] = [], agreement: AgreementFigures? = nil, ensemble: String? = nil,
        pairs: RunReportPairs? = nil, diversity: [DiversityReport] = [], failures: RunReportFailures = RunReportFailures(),
        tokens: [RunReportTokenRow] = [], endpoints: [RunReportEndpointUsage] = [], notes: [String] = []
    ) {
        self.directory = directory
        self.tool = "prefab \(PrefabVersion.string)"
        self.stages = stages
        self.counts = counts
        self.scores = scores
        self.agreement = agreement
        self.ensemble = ensemble
        self.pairs = pairs
        self.diversity = diversity
        self.failures = failures
        self.tokens = tokens
        self.endpoints = endpoints
        self.notes = notes
    }

    /// Reads the run directory's stages and measures them.
    /// - Parameters:
    ///   - endpoints: the pipeline's usage per endpoint, when it has one.
    ///   - diversity: whether to compute the cheap diversity metrics of the responses and
    ///     prompts (on by default).
    package static func build(
        runDirectory: String, endpoints: [RunReportEndpointUsage] = [], diversity: Bool = true
    ) async throws(RunReportError) -> RunReport {
        try await build(runDirectory: runDirectory, endpoints: endpoints, diversity: diversity ? .cheap : .disabled)
    }

    /// Reads the run directory's stages and measures them, with the diversity metrics `diversity`
    /// selects: the cheap ones on every text, and the embedding metrics (Vendi, clusters) and the
    /// cluster agent when it has their models (`RunDiversityOptions(_:endpoints:)`
    /// makes them from a run config's `diversity:` block).
    ///
    /// A model-based metric that fails (endpoint down, budget spent, fewer texts than K) does not
    /// fail the report: its row says "not measured" and a note says why. Calls the metrics make
    /// through `diversity.ledger` are added to `tokens` (stage `diversity`) and, when `endpoints`
    /// is given, to their endpoint's row.
    ///
    /// `streamed`: the run's shards went to object storage as they closed and were deleted
    /// locally; those not on local disk are fetched one at a time.
    package static func build(
        runDirectory: String, endpoints: [RunReportEndpointUsage] = [], diversity: RunDiversityOptions, streamed: StreamedStageReader? = nil
    ) async throws(RunReportError) -> RunReport {
        try await RunReportBuilder(directory: runDirectory, streamed: streamed).build(endpoints: endpoints, diversity: diversity)
    }

    /// Writes `report.json` and `report.html` into `directory`, each under a temporary name,
    /// fsynced, then renamed, so a reader never sees half a report. Returns both paths.
    @discardableResult
    package func write(to directory: String) throws(RunReportError) -> (json: String, html: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = (directory as NSString).appendingPathComponent(Self.jsonName)
        let html = (directory as NSString).appendingPathComponent(Self.htmlName)
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw .cannotWrite(path: json, reason: "\(error)")
        }
        try Self.writeAtomically(data, to: json)
        try Self.writeAtomically(Data(RunReportHTML.render(self).utf8), to: html)
        return (json, html)
    }

    static func writeAtomically(_ data: Data, to path: String) throws(RunReportError) {
        do {
            try AtomicFileWriter.write(data, to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.description)
        }
    }
}
