/// One judge's reliability and cost figures: counts that add up across records, and the rates
/// derived from them (written alongside for people reading the JSON).
public struct JudgeFigures: Codable, Hashable, Sendable {
    /// Calls made to the endpoint (retries included), and how many the response cache answered.
    public var calls = 0
    public var cachedCalls = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Votes cast (a pairwise verdict counts once), those never read, and those read only after a retry.
    public var votes = 0
    public var parseFailures = 0
    public var retried = 0
    /// Scorer checks that did not apply.
    public var skipped = 0
    /// Decisive comparisons where the order shown is known, and how many went to the first shown.
    public var positionComparisons = 0
    public var firstPreferred = 0
    /// Per position shown (index 0 is the first, A): the decisive comparisons between two
    /// answers shown in the same call that involved the answer at that position, and how many of
    /// them it won. Each comparison counts at both its positions, so with no position bias every
    /// position wins about half of its own (`ratedHigherByPosition`).
    public var comparisonsByPosition: [Int] = []
    public var higherByPosition: [Int] = []
    /// Pairwise comparisons asked in both orders, and how many got the same answer both times.
    public var orderPairs = 0
    public var consistentOrderPairs = 0
    /// Decisive comparisons between answers of different lengths, and how many went to the longer.
    public var lengthComparisons = 0
    public var longerPreferred = 0

    public init() {}

    /// Failed votes over votes cast.
    public var parseFailureRate: Double? { ratio(parseFailures, votes) }
    /// P(prefers the answer shown first), over decisive comparisons.
    public var prefersFirst: Double? { ratio(firstPreferred, positionComparisons) }
    /// Share of both-order comparisons answered the same way in both orders.
    public var positionConsistency: Double? { ratio(consistentOrderPairs, orderPairs) }
    /// P(prefers the longer answer), over decisive comparisons of unequal lengths.
    public var prefersLonger: Double? { ratio(longerPreferred, lengthComparisons) }

    /// P(rated higher | position), per position shown: the share of the decisive comparisons at
    /// that position that the answer shown there won (nil where there were none). About 0.5 at
    /// every position for a judge without position bias; a judge that always prefers the last
    /// answer shows 1 at the last position.
    public var ratedHigherByPosition: [Double?] {
        zip(higherByPosition, comparisonsByPosition).map { ratio($0, $1) }
    }

    /// Counts a decisive comparison between the answers shown at `winner` and `loser`.
    mutating func countPositions(winner: Int, loser: Int) {
        let needed = max(winner, loser) + 1
        if comparisonsByPosition.count < needed {
            comparisonsByPosition += Array(repeating: 0, count: needed - comparisonsByPosition.count)
            higherByPosition += Array(repeating: 0, count: needed - higherByPosition.count)
        }
        comparisonsByPosition[winner] += 1
        comparisonsByPosition[loser] += 1
        higherByPosition[winner] += 1
    }

    public var totalTokens: Int { promptTokens + completionTokens }

    public mutating func merge(_ other: JudgeFigures) {
        calls += other.calls
        cachedCalls += other.cachedCalls
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        votes += other.votes
        parseFailures += other.parseFailures
        retried += other.retried
        skipped += other.skipped
        positionComparisons += other.positionComparisons
        firstPreferred += other.firstPreferred
        comparisonsByPosition = Self.sum(comparisonsByPosition, other.comparisonsByPosition)
        higherByPosition = Self.sum(higherByPosition, other.higherByPosition)
        orderPairs += other.orderPairs
        consistentOrderPairs += other.consistentOrderPairs
        lengthComparisons += other.lengthComparisons
        longerPreferred += other.longerPreferred
    }

    /// Element-wise sum; the shorter list counts as zeros past its end.
    private static func sum(_ a: [Int], _ b: [Int]) -> [Int] {
        (0..<max(a.count, b.count)).map { (a.indices.contains($0) ? a[$0] : 0) + (b.indices.contains($0) ? b[$0] : 0) }
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }

    enum CodingKeys: String, CodingKey {
        case calls
        case cachedCalls = "cached_calls"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case votes
        case parseFailures = "parse_failures"
        case retried, skipped
        case positionComparisons = "position_comparisons"
        case firstPreferred = "first_preferred"
        case comparisonsByPosition = "comparisons_by_position"
        case higherByPosition = "higher_by_position"
        case orderPairs = "order_pairs"
        case consistentOrderPairs = "consistent_order_pairs"
        case lengthComparisons = "length_comparisons"
        case longerPreferred = "longer_preferred"
        case parseFailureRate = "parse_failure_rate"
        case prefersFirst = "prefers_first"
        case positionConsistency = "position_consistency"
        case prefersLonger = "prefers_longer"
        case ratedHigherByPosition = "rated_higher_by_position"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func int(_ key: CodingKeys) throws -> Int { try c.decodeIfPresent(Int.self, forKey: key) ?? 0 }
        calls = try int(.calls)
        cachedCalls = try int(.cachedCalls)
        promptTokens = try int(.promptTokens)
        completionTokens = try int(.completionTokens)
        votes = try int(.votes)
        parseFailures = try int(.parseFailures)
        retried = try int(.retried)
        skipped = try int(.skipped)
        positionComparisons = try int(.positionComparisons)
        firstPreferred = try int(.firstPreferred)
        comparisonsByPosition = try c.decodeIfPresent([Int].self, forKey: .comparisonsByPosition) ?? []
        higherByPosition = try c.decodeIfPresent([Int].self, forKey: .higherByPosition) ?? []
        guard higherByPosition.count == comparisonsByPosition.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .higherByPosition, in: c, debugDescription: "must have one count per position, as comparisons_by_position")
        }
        orderPairs = try int(.orderPairs)
        consistentOrderPairs = try int(.consistentOrderPairs)
        lengthComparisons = try int(.lengthComparisons)
        longerPreferred = try int(.longerPreferred)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(calls, forKey: .calls)
        // Records leave it at 0 (see `RatedRecord.encode`); run-level figures keep it.
        if cachedCalls > 0 { try c.encode(cachedCalls, forKey: .cachedCalls) }
        try c.encode(promptTokens, forKey: .promptTokens)
        try c.encode(completionTokens, forKey: .completionTokens)
        try c.encode(votes, forKey: .votes)
        try c.encode(parseFailures, forKey: .parseFailures)
        try c.encode(retried, forKey: .retried)
        try c.encode(skipped, forKey: .skipped)
        try c.encode(positionComparisons, forKey: .positionComparisons)
        try c.encode(firstPreferred, forKey: .firstPreferred)
        // Only where positions were compared, so single-mode records keep their bytes.
        if !comparisonsByPosition.isEmpty {
            try c.encode(comparisonsByPosition, forKey: .comparisonsByPosition)
            try c.encode(higherByPosition, forKey: .higherByPosition)
        }
        try c.encode(orderPairs, forKey: .orderPairs)
        try c.encode(consistentOrderPairs, forKey: .consistentOrderPairs)
        try c.encode(lengthComparisons, forKey: .lengthComparisons)
        try c.encode(longerPreferred, forKey: .longerPreferred)
        try c.encode(parseFailureRate, forKey: .parseFailureRate)
        try c.encode(prefersFirst, forKey: .prefersFirst)
        try c.encode(positionConsistency, forKey: .positionConsistency)
        try c.encode(prefersLonger, forKey: .prefersLonger)
        if !comparisonsByPosition.isEmpty { try c.encode(ratedHigherByPosition, forKey: .ratedHigherByPosition) }
    }
}
