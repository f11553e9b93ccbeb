/// How a partitioned run's `budget:` is shared: `even` (the default) gives each of N
/// partitions 1/N of every ceiling, so the partitions together never spend more than the run's
/// budget; `per-partition` gives each partition the whole of it (the budget is then written
/// per partition, and the run's total is N times it).
public enum BudgetSplit: String, Codable, Hashable, Sendable, CaseIterable {
    case even
    case perPartition = "per-partition"

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let split = BudgetSplit(rawValue: text.replacingOccurrences(of: "_", with: "-")) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "budget split '\(text)' is not one of: even, per-partition")
        }
        self = split
    }
}
