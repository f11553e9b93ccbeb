/// How one aspect's scores (an UltraFeedback aspect, `fine-grained` or `overall`) fell, over all
/// rated completions and per pool model, with the completions that had no score.
package struct RunReportScoreDistribution: Codable, Hashable, Sendable {
    package var aspect: String
    /// Every model's scores together.
    package var histogram: RunReportHistogram
    /// Per model, binned like `histogram`.
    package var byModel: [String: RunReportHistogram]
    package var mean: Double?
    package var meanByModel: [String: Double]
    /// Completions without a score for this aspect (N/A, every judge's answer unreadable, unrated).
    package var missing: Int

    enum CodingKeys: String, CodingKey {
        case aspect, histogram, mean, missing
        case byModel = "by_model"
        case meanByModel = "mean_by_model"
    }
}
