/// What a judge said about one aspect of one completion: a number on the rubric's scale, or
/// "not applicable" (UltraFeedback's honesty N/A for creative tasks).
package enum RatingValue: Hashable, Sendable, CustomStringConvertible {
    case score(Double)
    case notApplicable

    /// The number, or nil for N/A.
    package var score: Double? {
        if case .score(let value) = self { return value }
        return nil
    }

    /// The UltraFeedback spelling: "4", "4.5" or "N/A".
    package var description: String {
        switch self {
        case .notApplicable: "N/A"
        case .score(let value):
            value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
    }
}
