/// A snapshot of a `prefab run`, or of any other long command (`judge`, `eval-judges`, `pairs`,
/// `convert`, `diversity`): what the progress display draws and what `--json-progress` prints,
/// one object a line. The command builds one whenever the reporter asks (it is cheap: counters
/// only), so the display never reaches into the command's state itself.
///
/// Counts are of `unit` (prompts for `run`; samples, pairs, records or documents for the other
/// commands) unless named otherwise. `done` includes the prompts `resumed` from the
/// journal, so `done/total` is the whole job's progress; the rate and ETA use only this session's
/// own work (`done - resumed`), which is what predicts how long the rest will take.
package struct RunProgress: Hashable, Sendable {
    /// Prompts in the input; nil while the input is still being counted.
    package var total: Int?
    /// Finished prompts, those resumed from the journal included.
    package var done: Int
    /// Prompts the journal already had finished when this session started.
    package var resumed: Int
    /// Prompts that failed (after retries) in this session; a later run retries them.
    package var failed: Int
    /// Prompts in the pipeline's window now.
    package var inFlight: Int
    /// Seconds since this session started.
    package var elapsed: Double
    package var promptTokens: Int
    package var completionTokens: Int
    /// Calls issued in this session, those answered from the response cache included.
    package var requests: Int
    /// Calls answered from the response cache.
    package var cacheHits: Int
    /// Spent in this session, in the price table's currency; nil when no endpoint has prices.
    package var cost: Double?
    /// Failed prompts by kind (`http_status`, `transport`, `parse`...).
    package var failuresByKind: [String: Int]
    package var endpoints: [EndpointProgress]
    /// What the run is doing: "validating", "resuming", "running", "finishing", "stopped: budget"...
    package var phase: String
    /// `unit` per second of this session's own work, smoothed over the last half minute.
    /// The reporter fills it (it keeps the history a smoothed rate needs); nil until known.
    package var rate: Double?
    /// Seconds until every prompt is done at `rate`; filled by the reporter, nil when unknown.
    package var etaSeconds: Double?
    /// What `done` and `total` count: "prompts", "pairs", "records"... One display serves every
    /// command, so the unit is data rather than a word fixed in the renderer.
    package var unit: String
    /// Whether the command calls models. Without calls the tokens, requests, cache and endpoint
    /// figures are always zero, and the display leaves them out instead of showing noise.
    package var callsModels: Bool

    package init(
        total: Int? = nil, done: Int = 0, resumed: Int = 0, failed: Int = 0, inFlight: Int = 0, elapsed: Double = 0,
        promptTokens: Int = 0, completionTokens: Int = 0, requests: Int = 0, cacheHits: Int = 0, cost: Double? = nil,
        failuresByKind: [String: Int] = [:], endpoints: [EndpointProgress] = [], phase: String = "running",
        rate: Double? = nil, etaSeconds: Double? = nil, unit: String = "prompts", callsModels: Bool = true
    ) {
        self.total = total
        self.done = done
        self.resumed = resumed
        self.failed = failed
        self.inFlight = inFlight
        self.elapsed = elapsed
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.requests = requests
        self.cacheHits = cacheHits
        self.cost = cost
        self.failuresByKind = failuresByKind
        self.endpoints = endpoints
        self.phase = phase
        self.rate = rate
        self.etaSeconds = etaSeconds
        self.unit = unit
        self.callsModels = callsModels
    }

    /// Prompts finished by this session's own work.
    package var sessionDone: Int { max(0, done - resumed) }

    /// Prompts neither finished nor failed; nil while `total` is unknown. Failed prompts are not
    /// waited for: this session will not retry them.
    package var remaining: Int? { total.map { max(0, $0 - done - failed) } }

    /// `done / total`, nil while `total` is unknown or zero.
    package var fraction: Double? {
        guard let total, total > 0 else { return nil }
        return min(1, Double(done) / Double(total))
    }

    /// This session's rate averaged over its whole life: the fallback before a smoothed rate exists.
    package var averageRate: Double? {
        guard elapsed > 0, sessionDone > 0 else { return nil }
        return Double(sessionDone) / elapsed
    }

    /// Seconds to finish the remaining prompts at `rate`; 0 when none remain, nil when it cannot be told.
    package func secondsRemaining(at rate: Double?) -> Double? {
        guard let remaining else { return nil }
        if remaining == 0 { return 0 }
        guard let rate, rate.isFinite, rate > 0 else { return nil }
        return Double(remaining) / rate
    }

    /// `cacheHits / requests`, nil before the first request.
    package var cacheHitFraction: Double? {
        requests > 0 ? Double(cacheHits) / Double(requests) : nil
    }

    package var totalTokens: Int { promptTokens + completionTokens }
}

extension RunProgress: Codable {
    enum CodingKeys: String, CodingKey {
        case total, done, resumed, failed, elapsed, requests, cost, endpoints, phase, rate, unit
        case callsModels = "calls_models"
        case inFlight = "in_flight"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case cacheHits = "cache_hits"
        case failuresByKind = "failures_by_kind"
        case etaSeconds = "eta_seconds"
    }

    /// Unknown values are written as `null` rather than left out, so a script reading
    /// `--json-progress` sees the same keys on every line.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(total, forKey: .total)
        try container.encode(done, forKey: .done)
        try container.encode(resumed, forKey: .resumed)
        try container.encode(failed, forKey: .failed)
        try container.encode(inFlight, forKey: .inFlight)
        try container.encode(elapsed, forKey: .elapsed)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(requests, forKey: .requests)
        try container.encode(cacheHits, forKey: .cacheHits)
        try container.encode(cost, forKey: .cost)
        try container.encode(failuresByKind, forKey: .failuresByKind)
        try container.encode(endpoints, forKey: .endpoints)
        try container.encode(phase, forKey: .phase)
        try container.encode(rate, forKey: .rate)
        try container.encode(etaSeconds, forKey: .etaSeconds)
        try container.encode(unit, forKey: .unit)
        try container.encode(callsModels, forKey: .callsModels)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            total: try container.decodeIfPresent(Int.self, forKey: .total),
            done: try container.decode(Int.self, forKey: .done),
            resumed: try container.decodeIfPresent(Int.self, forKey: .resumed) ?? 0,
            failed: try container.decodeIfPresent(Int.self, forKey: .failed) ?? 0,
            inFlight: try container.decodeIfPresent(Int.self, forKey: .inFlight) ?? 0,
            elapsed: try container.decode(Double.self, forKey: .elapsed),
            promptTokens: try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0,
            completionTokens: try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0,
            requests: try container.decodeIfPresent(Int.self, forKey: .requests) ?? 0,
            cacheHits: try container.decodeIfPresent(Int.self, forKey: .cacheHits) ?? 0,
            cost: try container.decodeIfPresent(Double.self, forKey: .cost),
            failuresByKind: try container.decodeIfPresent([String: Int].self, forKey: .failuresByKind) ?? [:],
            endpoints: try container.decodeIfPresent([EndpointProgress].self, forKey: .endpoints) ?? [],
            phase: try container.decode(String.self, forKey: .phase),
            rate: try container.decodeIfPresent(Double.self, forKey: .rate),
            etaSeconds: try container.decodeIfPresent(Double.self, forKey: .etaSeconds),
            unit: try container.decodeIfPresent(String.self, forKey: .unit) ?? "prompts",
            callsModels: try container.decodeIfPresent(Bool.self, forKey: .callsModels) ?? true)
    }
}
