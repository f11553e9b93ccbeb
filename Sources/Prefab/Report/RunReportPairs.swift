/// The pairing stage's summary and the margins of the rows it wrote.
public struct RunReportPairs: Codable, Hashable, Sendable {
    /// `pairs-summary.json`, when present.
    public var summary: PairingSummary?
    /// Margins of every row (train and test), binned; nil when the format carries none.
    public var margins: RunReportHistogram?
    public var meanMargin: Double?
    /// Rows read from the shards.
    public var rows: Int
    /// The first few rows of the train split, when the format has chosen and rejected answers.
    public var examples: [RunReportExample]

    public init(summary: PairingSummary?, margins: RunReportHistogram?, meanMargin: Double?, rows: Int, examples: [RunReportExample] = []) {
        self.examples = examples
        self.summary = summary
        self.margins = margins
        self.meanMargin = meanMargin
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case summary, margins, rows, examples
        case meanMargin = "mean_margin"
    }
}
