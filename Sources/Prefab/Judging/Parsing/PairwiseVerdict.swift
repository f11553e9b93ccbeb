import Foundation

/// A pairwise judge's verdict on the two answers it was shown, by the label it saw them under.
package enum PairwiseVerdict: String, Hashable, Sendable, Codable, CaseIterable {
    case a = "A"
    case b = "B"
    case tie = "TIE"

    /// The verdict as seen with the two answers swapped.
    package var swapped: PairwiseVerdict {
        switch self {
        case .a: .b
        case .b: .a
        case .tie: .tie
        }
    }

    /// Reads "A", "b", "tie", "C" (MT-Bench's tie), "draw", "equal", "Output (a)", "Assistant B".
    package init?(label: String) {
        var text = label.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        for prefix in ["output", "response", "answer", "assistant", "text"] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        text = text.filter { !" ()[]*.'\"`:".contains($0) }
        switch text {
        case "a", "1": self = .a
        case "b", "2": self = .b
        case "c", "tie", "draw", "equal", "same", "both", "neither", "none": self = .tie
        default: return nil
        }
    }
}
