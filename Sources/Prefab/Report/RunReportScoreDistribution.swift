/// How one aspect's scores (an UltraFeedback aspect, `fine-grained` or `overall`) fell, over all
/// rated completions and per pool model, with the completions that had no score.
public struct RunReportScoreDistribution: Codable, Hashable, Sendable {
    public var aspect: String
    /// Every model's scores together.
    public var histogram: RunReportHistogram
    /// Per model, binned like `histogram`.
    public var byModel: [String: RunReportHistogram]
    public var mean: Double?
    public var meanByModel: [String: Double]
    /// Completions without a score for this aspect (N/A, every judge's answer unreadable, unrated).
    public var missing: Int

    public init(
        aspect: String, histogram: RunReportHistogram, byModel: [String: RunReportHistogram], mean: Double?,
        meanByModel: [String: Double], missing: Int
    ) {
        self.aspect = aspect
        self.histogram = histogram
        self.byModel = byModel
        self.mean = mean
        self.meanByModel = meanByModel
        self.missing = missing
    }

    enum CodingKeys: String, CodingKey {
        case aspect, histogram, mean, missing
        case byModel = "by_model"
        case meanByModel = "mean_by_model"
    }
}
