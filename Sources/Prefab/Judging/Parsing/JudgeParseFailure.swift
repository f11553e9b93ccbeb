/// Why a judge's answer could not be read. Recorded with the raw output on the vote; never
/// replaced by a guessed score.
package enum JudgeParseFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The answer was empty.
    case empty
    /// The endpoint stopped at `max_tokens`: whatever came back is cut off.
    case truncated
    /// No rating could be found.
    case noRating
    /// A rating was found but lies outside the rubric's scale (or is N/A where N/A is not allowed).
    case outOfScale(String)
    /// A multi-completion answer rated a different number of completions than it was shown.
    case wrongCount(expected: Int, found: Int)
    /// No A/B/tie verdict could be found.
    case noVerdict
    /// A type label that names none of the rubric's types.
    case unknownType(String)
    /// The request itself failed after the endpoint layer's retries.
    case requestFailed(String)

    package var description: String {
        switch self {
        case .empty: "the judge's answer was empty"
        case .truncated: "the judge's answer was cut off at max_tokens (finish_reason length)"
        case .noRating: "no rating found in the judge's answer"
        case .outOfScale(let value): "rating '\(value)' is outside the rubric's scale"
        case .wrongCount(let expected, let found): "expected ratings for \(expected) completions, found \(found)"
        case .noVerdict: "no verdict ([[A]], [[B]] or [[TIE]]) found in the judge's answer"
        case .unknownType(let label): "type '\(label)' is not one of the rubric's types"
        case .requestFailed(let reason): "request failed: \(reason)"
        }
    }
}
