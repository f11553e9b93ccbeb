/// The pairing stage's summary and the margins of the rows it wrote.
package struct RunReportPairs: Codable, Hashable, Sendable {
    /// `pairs-summary.json`, when present.
    package var summary: PairingSummary?
    /// Margins of every row (train and test), binned; nil when the format carries none.
    package var margins: RunReportHistogram?
    package var meanMargin: Double?
    /// Rows read from the shards.
    package var rows: Int
    /// The first few rows of the train split, when the format has chosen and rejected answers.
    package var examples: [RunReportExample] = []

    enum CodingKeys: String, CodingKey {
        case summary, margins, rows, examples
        case meanMargin = "mean_margin"
    }
}
