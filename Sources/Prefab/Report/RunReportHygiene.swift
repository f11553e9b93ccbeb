import Foundation

/// The report's "Prompt hygiene" section, from the run directory's `hygiene-report.json`:
/// what was removed before sampling, by reason, with a few examples of each. The full list stays
/// in `hygiene-report.json`; the report keeps a handful so it stays small.
package struct RunReportHygiene: Codable, Hashable, Sendable {
    package var prompts: Int
    package var kept: Int
    package var removed: [String: Int]
    package var examples: [HygieneReport.Removal]
    package var settings: [String]

    /// Examples kept per reason.
    static let examplesPerReason = 3

    init(_ report: HygieneReport) {
        prompts = report.prompts
        kept = report.kept
        removed = report.removed
        examples = HygieneReport.Reason.allCases.flatMap { reason in
            report.removals.lazy.filter { $0.reason == reason }.prefix(Self.examplesPerReason)
        }
        settings = Array(report.summaryLines(examples: 0).drop { !$0.hasPrefix("near") && !$0.hasPrefix("contamination") })
    }

    /// Reads `hygiene-report.json` from a run directory; nil when the run had no hygiene.
    static func read(directory: String) throws(RunReportError) -> RunReportHygiene? {
        let path = (directory as NSString).appendingPathComponent(HygieneReport.fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return RunReportHygiene(try JSONDecoder().decode(HygieneReport.self, from: Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            throw .unreadable(path: path, record: nil, reason: "\(error)")
        }
    }
}
