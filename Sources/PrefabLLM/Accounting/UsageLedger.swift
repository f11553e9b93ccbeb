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

    /// Counts `count` requests about to be submitted in a batch, or throws `budgetExhausted`
    /// when the request budget has no room for all of them.
    func reserveRequests(_ count: Int, endpoint: String, model: String) throws(EndpointError) {
        let exhausted: BudgetLimit? = state.withLock { state in
            if let limit = budget.maxRequests, state.started + count > limit { return .requests(limit) }
            if let limit = budget.maxTokens, state.tokens >= limit { return .tokens(limit) }
            if let limit = budget.maxCost, state.cost >= limit { return .cost(limit) }
            state.started += count
            state.records[Key(endpoint: endpoint, model: model), default: UsageRecord(endpoint: endpoint, model: model)].requests += count
            return nil
        }
        if let exhausted { throw .budgetExhausted(exhausted) }
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
