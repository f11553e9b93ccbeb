/// Counts calls, tokens and cost per endpoint and model, and enforces a budget.
///
/// Share one ledger between the clients of a run to give the run one budget. A call reserves its
/// request before it starts, so a request budget is never overshot however many calls race for
/// the last slots; token and cost budgets are checked against what finished calls used (a call's
/// usage is unknown until it ends), so calls in flight when the limit is crossed still finish.
public final class UsageLedger: Sendable {
    private struct Key: Hashable {
        let endpoint: String
        let model: String
    }

    private struct State {
        var records: [Key: UsageRecord] = [:]
        var started = 0
        var tokens = 0
        var cost = 0.0
    }

    public let budget: Budget
    private let state = Locked(State())

    public init(budget: Budget = Budget()) {
        self.budget = budget
    }

    /// Counts a call about to start, or throws `budgetExhausted` when the budget allows no more.
    func reserveRequest(endpoint: String, model: String) throws(EndpointError) {
        let exhausted: BudgetLimit? = state.withLock { state in
            if let limit = budget.maxRequests, state.started >= limit { return .requests(limit) }
            if let limit = budget.maxTokens, state.tokens >= limit { return .tokens(limit) }
            if let limit = budget.maxCost, state.cost >= limit { return .cost(limit) }
            state.started += 1
            state.records[Key(endpoint: endpoint, model: model), default: UsageRecord(endpoint: endpoint, model: model)].requests += 1
            return nil
        }
        if let exhausted { throw .budgetExhausted(exhausted) }
    }

    /// Counts a batch about to be submitted: its `count` requests and its `estimate` of tokens,
    /// at `price` (the batch price), or throws `budgetExhausted` when any limit has no room for
    /// all of it. A batch is paid for as a whole once submitted, so it must fit before it is sent
    /// (a call one by one only needs room to start). `settleBatch` replaces the estimate with what
    /// the results used.
    func reserveBatch(_ count: Int, estimate: TokenUsage, endpoint: String, model: String, price: Price?) throws(EndpointError) {
        let cost = price?.cost(of: estimate) ?? 0
        let exhausted: BudgetLimit? = state.withLock { state in
            if let limit = budget.maxRequests, state.started + count > limit { return .requests(limit) }
            if let limit = budget.maxTokens, state.tokens + estimate.totalTokens > limit { return .tokens(limit) }
            if let limit = budget.maxCost, state.cost + cost > limit { return .cost(limit) }
            state.started += count
            state.tokens += estimate.totalTokens
            state.cost += cost
            let key = Key(endpoint: endpoint, model: model)
            state.records[key, default: UsageRecord(endpoint: endpoint, model: model)].requests += count
            state.records[key]!.promptTokens += estimate.promptTokens
            state.records[key]!.completionTokens += estimate.completionTokens
            state.records[key]!.cost += cost
            return nil
        }
        if let exhausted { throw .budgetExhausted(exhausted) }
    }

    /// Replaces a submitted batch's estimate (reserved under `model`, perhaps by an earlier
    /// session: then this session's figures go below zero by it, and the run's sum is right)
    /// with the `actual` usage of its results, per answering model, and counts its `failures`.
    func settleBatch(estimate: TokenUsage, endpoint: String, model: String, actual: [String: TokenUsage], failures: Int, price: Price?) {
        state.withLock { state in
            let estimatedCost = price?.cost(of: estimate) ?? 0
            let key = Key(endpoint: endpoint, model: model)
            state.tokens -= estimate.totalTokens
            state.cost -= estimatedCost
            state.records[key, default: UsageRecord(endpoint: endpoint, model: model)].promptTokens -= estimate.promptTokens
            state.records[key]!.completionTokens -= estimate.completionTokens
            state.records[key]!.cost -= estimatedCost
            state.records[key]!.failures += failures
            for (answering, usage) in actual {
                let cost = price?.cost(of: usage) ?? 0
                let key = Key(endpoint: endpoint, model: answering)
                state.tokens += usage.totalTokens
                state.cost += cost
                state.records[key, default: UsageRecord(endpoint: endpoint, model: answering)].promptTokens += usage.promptTokens
                state.records[key]!.completionTokens += usage.completionTokens
                state.records[key]!.cost += cost
            }
        }
    }

    func recordSuccess(endpoint: String, model: String, usage: TokenUsage, price: Price?) {
        let cost = price?.cost(of: usage) ?? 0
        state.withLock { state in
            state.tokens += usage.totalTokens
            state.cost += cost
            let key = Key(endpoint: endpoint, model: model)
            state.records[key, default: UsageRecord(endpoint: endpoint, model: model)].promptTokens += usage.promptTokens
            state.records[key, default: UsageRecord(endpoint: endpoint, model: model)].completionTokens += usage.completionTokens
            state.records[key, default: UsageRecord(endpoint: endpoint, model: model)].cost += cost
        }
    }

    func recordFailure(endpoint: String, model: String) {
        state.withLock { state in
            state.records[Key(endpoint: endpoint, model: model), default: UsageRecord(endpoint: endpoint, model: model)].failures += 1
        }
    }

    func recordRetry(endpoint: String, model: String) {
        state.withLock { state in
            state.records[Key(endpoint: endpoint, model: model), default: UsageRecord(endpoint: endpoint, model: model)].retries += 1
        }
    }

    /// Per endpoint and model, sorted by endpoint then model.
    public var records: [UsageRecord] {
        state.withLock { state in
            state.records.values.sorted { ($0.endpoint, $0.model) < ($1.endpoint, $1.model) }
        }
    }

    /// Everything together.
    public var total: UsageRecord { UsageRecord.sum(records) }
}
