/// Lets a caller stop a running pipeline cleanly: no new prompts start, those in flight finish,
/// everything finished is journaled and written, and the next run continues from there.
/// `prefab run` calls `stop(.interrupted)` on SIGINT and SIGTERM; the pipeline itself calls
/// `stop(.budget)` when the budget is spent and `stop(.endpoint(_:))` when an endpoint refuses
/// every call (see `EndpointHalt`).
public final class RunControl: Sendable {
    private let reason = Locked<RunStopReason?>(nil)

    public init() {}

    /// Asks the run to stop; the first reason given is kept.
    public func stop(_ reason: RunStopReason) {
        self.reason.withLock { if $0 == nil { $0 = reason } }
    }

    public var stopReason: RunStopReason? { reason.withLock { $0 } }
}
