/// Why rating a prompt failed. Parse failures are not errors (they are recorded on the votes);
/// these are failures of the calls themselves, after the endpoint layer's retries, so the
/// prompt can be retried later rather than stored with holes.
///
/// An endpoint that will refuse every call (a refused key, an unknown model) is not a judge's
/// failure on one prompt: the judge throws that `EndpointError` or `EndpointStop` as it is, so
/// the stage running it stops at once instead of failing every prompt with the same message.
public enum JudgeError: Error, CustomStringConvertible, Sendable {
    /// A judge's call failed (HTTP error, transport failure, malformed response).
    case requestFailed(judge: String, promptID: String, reason: String)
    /// A judge's call did not fit the model's context, even alone (a multi-mode call is split
    /// down to one answer first); `reason` is the server's message with the fix.
    case contextOverflow(judge: String, promptID: String, reason: String)
    /// The run's budget is spent; nothing more is asked.
    case budgetExhausted(String)

    /// How failure tables and the progress display count it.
    public var failureKind: FailureKind {
        switch self {
        case .requestFailed: .judgeCall
        case .contextOverflow: .contextOverflow
        case .budgetExhausted: .budget
        }
    }

    public var description: String {
        switch self {
        case .requestFailed(let judge, let promptID, let reason), .contextOverflow(let judge, let promptID, let reason):
            "judge '\(judge)' failed on prompt \(promptID): \(reason)"
        case .budgetExhausted(let reason):
            reason
        }
    }
}
