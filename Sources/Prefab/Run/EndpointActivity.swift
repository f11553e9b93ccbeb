/// Live counters for one endpoint during a run, for the progress display: calls in flight,
/// calls made, answers from the cache, tokens and failures. Shared by every client of the
/// endpoint (the pool's models and the judges).
package final class EndpointActivity: Sendable {
    package struct Counts: Sendable, Hashable {
        package var inFlight = 0
        package var requests = 0
        package var cacheHits = 0
        package var tokens = 0
        package var failures = 0
    }

    package let name: String
    private let counts = Locked(Counts())
    /// Where the calls are also reported for Prometheus (`prefab run --metrics`), if anywhere.
    let metrics: RunMetrics?

    package init(name: String, metrics: RunMetrics? = nil) {
        self.name = name
        self.metrics = metrics
    }

    package var snapshot: Counts { counts.withLock { $0 } }

    func started() {
        counts.withLock { $0.inFlight += 1 }
        metrics?.callStarted(endpoint: name)
    }

    func finished(_ response: ChatResponse?, error: (any Error)? = nil, duration: Duration = .zero) {
        metrics?.callFinished(endpoint: name, response: response, error: error, duration: duration)
        counts.withLock { counts in
            counts.inFlight -= 1
            guard let response else {
                counts.failures += 1
                return
            }
            if response.cached {
                counts.cacheHits += 1
            } else {
                counts.requests += 1
                counts.tokens += response.usage.totalTokens
            }
        }
    }
}
