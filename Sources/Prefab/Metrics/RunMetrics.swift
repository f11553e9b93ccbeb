import CoreMetrics
import Foundation
import PrefabLLM
import PrefabShards
import Prometheus

/// What a run reports to Prometheus (`prefab run --metrics HOST:PORT`), so a cluster's
/// monitoring sees every partition as it runs: prompts done and failed, calls by endpoint and
/// outcome, calls in flight, tokens, cost and call latency.
///
/// Recorded through swift-metrics with an explicit factory over a registry of its own (no
/// process-wide `MetricsSystem.bootstrap`, so any number of runs and tests can each have one).
/// Every metric carries the `partition` label (`2/4`, or `all`), so the parts of one run add up
/// in a query and a stalled part stands out.
package final class RunMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let partition: String
    /// Gauges read from the run's state when scraped (costs, prompts to do).
    private let refreshers = Locked<[@Sendable () -> Void]>([])

    /// Call latency buckets, seconds: local models answer in tens of milliseconds, hosted ones
    /// with long answers in tens of seconds.
    static let latencyBuckets: [Duration] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120].map { .milliseconds(Int($0 * 1000)) }

    package init(partition: RunPartition? = nil) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.registry = registry
        self.factory = factory
        self.partition = partition.map(\.description) ?? "all"
    }

    private func dimensions(_ extra: [(String, String)] = []) -> [(String, String)] {
        [("partition", partition)] + extra
    }

    // MARK: recording

    func prompt(failed: Bool) {
        Counter(label: failed ? "prefab_prompts_failed_total" : "prefab_prompts_done_total", dimensions: dimensions(), factory: factory)
            .increment()
    }

    func callStarted(endpoint: String) {
        Meter(label: "prefab_calls_in_flight", dimensions: dimensions([("endpoint", endpoint)]), factory: factory).increment()
    }

    func callFinished(endpoint: String, response: ChatResponse?, error: (any Error)?, duration: Duration) {
        let endpointLabel = [("endpoint", endpoint)]
        Meter(label: "prefab_calls_in_flight", dimensions: dimensions(endpointLabel), factory: factory).decrement()
        let status = response.map { $0.cached ? "cached" : "ok" } ?? Self.status(of: error)
        Counter(label: "prefab_calls_total", dimensions: dimensions(endpointLabel + [("status", status)]), factory: factory).increment()
        guard let response, !response.cached else { return }
        Timer(label: "prefab_call_duration_seconds", dimensions: dimensions(endpointLabel), factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        Counter(label: "prefab_tokens_total", dimensions: dimensions(endpointLabel + [("kind", "prompt")]), factory: factory)
            .increment(by: response.usage.promptTokens)
        Counter(label: "prefab_tokens_total", dimensions: dimensions(endpointLabel + [("kind", "completion")]), factory: factory)
            .increment(by: response.usage.completionTokens)
    }

    /// A failed call's `status` label: the HTTP status, or what went wrong without one.
    static func status(of error: (any Error)?) -> String {
        guard var endpointError = error as? EndpointError else { return "error" }
        while case .retriesExhausted(_, _, let last) = endpointError { endpointError = last }
        switch endpointError {
        case .http(_, let status, _): return String(status)
        case .transport: return "transport"
        case .malformedResponse: return "malformed"
        case .budgetExhausted: return "budget"
        default: return "error"
        }
    }

    /// Costs and the prompts to do, read from the run when scraped.
    func attach(ledger: UsageLedger, monitor: RunMonitor) {
        let factory = factory
        let dimensions = dimensions()
        refreshers.withLock {
            $0.append {
                var costs: [String: Double] = [:]
                for record in ledger.records { costs[record.endpoint, default: 0] += record.cost }
                for (endpoint, cost) in costs {
                    Gauge(label: "prefab_cost", dimensions: dimensions + [("endpoint", endpoint)], factory: factory).record(cost)
                }
                let counts = monitor.snapshot()
                if let total = counts.total {
                    Gauge(label: "prefab_prompts", dimensions: dimensions, factory: factory).record(total)
                }
            }
        }
    }

    // MARK: exposition

    /// The Prometheus text exposition format, current.
    package func exposition() -> [UInt8] {
        for refresh in refreshers.withLock({ $0 }) { refresh() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        registry.emit(into: &buffer)
        return buffer
    }
}
