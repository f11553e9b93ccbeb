import Foundation

/// The live state of a run, shared between the pipeline (which updates it) and whoever shows
/// progress (which reads `snapshot()` as often as it likes, from any thread).
public final class RunMonitor: Sendable {
    public struct Counts: Sendable, Hashable {
        public var phase = "starting"
        public var total: Int?
        public var done = 0
        public var resumed = 0
        public var failed = 0
        public var inFlight = 0
        public var failuresByKind: [String: Int] = [:]
    }

    private let counts = Locked(Counts())
    private let attachments = Locked<(activities: [EndpointActivity], ledger: UsageLedger?, cache: ResponseCache?)>(([], nil, nil))
    private let started = ContinuousClock.now

    public init() {}

    func update(_ body: (inout Counts) -> Void) {
        counts.withLock { body(&$0) }
    }

    func attach(activities: [EndpointActivity], ledger: UsageLedger, cache: ResponseCache?) {
        attachments.withLock { $0 = (activities, ledger, cache) }
    }

    /// Seconds since the monitor was made (the session's start).
    public var elapsed: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The run as the progress display shows it.
    package func snapshot() -> RunProgress {
        let counts = self.counts.withLock { $0 }
        let (activities, ledger, cache) = attachments.withLock { $0 }
        let total = ledger?.total
        var progress = RunProgress(phase: counts.phase)
        progress.total = counts.total
        progress.done = counts.done
        progress.resumed = counts.resumed
        progress.failed = counts.failed
        progress.inFlight = counts.inFlight
        progress.elapsed = elapsed
        progress.promptTokens = total?.promptTokens ?? 0
        progress.completionTokens = total?.completionTokens ?? 0
        // Calls issued, cache hits included (the display shows the share the cache answered).
        progress.cacheHits = cache?.statistics.hits ?? 0
        progress.requests = (total?.requests ?? 0) + progress.cacheHits
        progress.cost = (total?.cost ?? 0) > 0 ? total?.cost : nil
        progress.failuresByKind = counts.failuresByKind
        progress.endpoints = activities.map { activity in
            let c = activity.snapshot
            return EndpointProgress(name: activity.name, inFlight: c.inFlight, requests: c.requests, tokens: c.tokens, failures: c.failures)
        }
        return progress
    }
}
