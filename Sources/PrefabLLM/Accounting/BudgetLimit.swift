/// The budget limit that was reached.
public enum BudgetLimit: Sendable, Hashable, CustomStringConvertible {
    case requests(Int)
    case tokens(Int)
    case cost(Double)

    public var description: String {
        switch self {
        case .requests(let limit): "the limit of \(limit) requests was reached"
        case .tokens(let limit): "the limit of \(limit) tokens was reached"
        case .cost(let limit): "the cost limit of \(limit) was reached"
        }
    }
}
