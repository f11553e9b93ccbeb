/// What kind of failure left a sample or a prompt out: the short, stable name failure tables,
/// `failures.jsonl` and the report count by, and what the pipeline decides on (a spent budget
/// ends the session instead of marking the prompt failed, and so does an endpoint that refuses
/// every call: `auth`, `unknown_model`).
public enum FailureKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// The server answered with an error status (after the endpoint's retries).
    case httpStatus = "http_status"
    /// The endpoint refused the API key (401/403); the run stops instead of failing prompts.
    case auth
    /// The endpoint does not serve the configured model (404); the run stops.
    case unknownModel = "unknown_model"
    /// The connection failed, timed out or was reset.
    case transport
    /// The request did not fit the model's context (prompt and `max_tokens`); the message names
    /// the fix.
    case contextOverflow = "context_overflow"
    /// The server's answer could not be read (no choices, not the expected JSON).
    case malformedResponse = "malformed_response"
    /// The run's budget was spent before the call.
    case budget
    /// The endpoint could not be used at all (missing API key, local server not running).
    case endpoint
    /// The call was cancelled before an answer arrived (the run was stopped).
    case cancelled
    /// A judge's call failed after its retries.
    case judgeCall = "judge_call"
    /// The judge ensemble failed in another way.
    case judge
    /// A record could not be encoded for the shards.
    case encoding
    /// Anything else; the reason says what.
    case error
}
