import Foundation

/// The live state of a run, shared between the pipeline (which updates it) and whoever shows
/// progress (which reads `snapshot()` as often as it likes, from any thread).
///
/// Every long command keeps one, not only `prefab run`: `judge`, `eval-judges`, `pairs`,
/// `convert` and `diversity` count their own `unit` in it, so one display (`ProgressReporter`)
/// and one set of flags serve them all.
public final class RunMonitor: Sendable {
    public struct Counts: Sendable, Hashable {
        public var phase = "starting"
        public var total: Int?
        public var done = 0
        public var resumed = 0
        public var failed = 0
        public var inFlight = 0
        public var failuresByKind: [String: Int] = [:]
        /// What `done` and `total` count ("prompts" for a run); a command with stages of different
        /// kinds (`diversity`: documents embedded, then cluster-agent rounds) changes it per stage.
        package var unit = "prompts"
    }

    /// Whether the command calls models (see `RunProgress.callsModels`).
    package let callsModels: Bool

    private let counts = Locked(Counts())
    private let attachments = Locked<(activities: [EndpointActivity], ledgers: [UsageLedger], cache: ResponseCache?)>(([], [], nil))
    private let started = ContinuousClock.now

    public init() {
        self.callsModels = true
    }

    /// A monitor for a command other than `run`: `unit` names what it counts ("samples",
    /// "pairs", "records"), `callsModels` whether tokens and requests are worth showing.
    package init(unit: String, callsModels: Bool) {
        self.callsModels = callsModels
        counts.withLock { $0.unit = unit }
    }

    /// Changes the counts under the monitor's lock; the stage that owns the monitor calls it.
    package func update(_ body: (inout Counts) -> Void) {
        counts.withLock { body(&$0) }
    }

    func attach(activities: [EndpointActivity], ledger: UsageLedger, cache: ResponseCache?) {
        attachments.withLock { $0 = (activities, [ledger], cache) }
    }

    /// Adds `ledger` to those whose tokens, requests and cost the display sums, and shows the hits
    /// of `cache`. `eval-judges` gives each ensemble its own ledger (each row's cost is its own),
    /// and the display still counts the whole command's tokens.
    package func attach(ledger: UsageLedger, cache: ResponseCache?) {
        attachments.withLock { attached in
            if !attached.ledgers.contains(where: { $0 === ledger }) { attached.ledgers.append(ledger) }
            if let cache { attached.cache = cache }
        }
    }

    /// Seconds since the monitor was made (the session's start).
    public var elapsed: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The run as the progress display shows it.
    package func snapshot() -> RunProgress {
        let counts = self.counts.withLock { $0 }
        let (activities, ledgers, cache) = attachments.withLock { $0 }
        let totals = ledgers.map(\.total)
        let total: (promptTokens: Int, completionTokens: Int, requests: Int, cost: Double)? = totals.isEmpty ? nil : (
            totals.reduce(0) { $0 + $1.promptTokens }, totals.reduce(0) { $0 + $1.completionTokens },
            totals.reduce(0) { $0 + $1.requests }, totals.reduce(0) { $0 + $1.cost })
        var progress = RunProgress(phase: counts.phase, unit: counts.unit, callsModels: callsModels)
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
