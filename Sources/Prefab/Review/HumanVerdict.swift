/// What a reviewer decided about one prompt's completions.
///
/// Stored in `review.sqlite` as text: a completion's letter (`A` for the first completion, `B`
/// for the second, …) when that one is the best, `tie` when none is better, `both_bad` when none
/// is good enough to train on. Letters rather than indexes because that is what the page shows.
package enum HumanVerdict: Hashable, Sendable {
    /// The completion at this index (in the rated record's `completions`) is the best.
    case prefers(Int)
    case tie
    case bothBad

    /// The verdict's text in `review.sqlite` and in the API (`A`…`Z`, `tie`, `both_bad`).
    package var label: String {
        switch self {
        case .prefers(let index): String(UnicodeScalar(UInt8(65 + index)))
        case .tie: "tie"
        case .bothBad: "both_bad"
        }
    }

    /// Reads `label`; nil for anything else (a letter past Z, an unknown word).
    package init?(label: String) {
        switch label {
        case "tie": self = .tie
        case "both_bad": self = .bothBad
        default:
            guard label.count == 1, let scalar = label.unicodeScalars.first, (65...90).contains(scalar.value) else { return nil }
            self = .prefers(Int(scalar.value) - 65)
        }
    }

    /// Whether the verdict removes the prompt's pairs (a tie or both bad).
    package var dropsPair: Bool { self == .tie || self == .bothBad }
}
