/// What went wrong, counted by reason: sampling failures by kind, judge votes that could not be
/// read (by judge and by the parser's reason), and prompts the judge stage gave up on.
package struct RunReportFailures: Codable, Hashable, Sendable {
    /// `SampleFailure.kind` → count.
    package var samplingByKind: [String: Int] = [:]
    /// Judge → votes never read.
    package var judgeParseFailuresByJudge: [String: Int] = [:]
    /// The parser's reason (shortened) → votes never read.
    package var judgeParseFailuresByReason: [String: Int] = [:]
    /// `judge-report.json` failures: reason (shortened) → prompts.
    package var judgePromptsByReason: [String: Int] = [:]

    package init() {}

    package var isEmpty: Bool {
        samplingByKind.isEmpty && judgeParseFailuresByJudge.isEmpty && judgePromptsByReason.isEmpty
    }

    enum CodingKeys: String, CodingKey {
        case samplingByKind = "sampling_by_kind"
        case judgeParseFailuresByJudge = "judge_parse_failures_by_judge"
        case judgeParseFailuresByReason = "judge_parse_failures_by_reason"
        case judgePromptsByReason = "judge_prompts_by_reason"
    }
}
