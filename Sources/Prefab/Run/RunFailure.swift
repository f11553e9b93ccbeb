/// Why a prompt did not finish: one failed call (after the endpoint layer's retries), with the
/// stage it belonged to. A prompt with any failure is left out of the output and asked again by
/// the next `prefab run` (the calls that did succeed come back from the response cache).
public struct RunFailure: Codable, Hashable, Sendable {
    /// `sample` or `judge`.
    public var stage: String
    /// What kind of failure it was, for failure tables.
    public var kind: FailureKind
    public var reason: String
    /// The pool model or judge whose call failed.
    public var source: String?

}
