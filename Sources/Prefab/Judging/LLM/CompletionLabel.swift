import Foundation

/// The labels completions are shown under: "A", "B", … "Z", then "AA", "AB", … Letters, so a
/// label is never mistaken for a rating.
package enum CompletionLabel {
    /// The label of the completion shown at `position` (0-based).
    package static func label(_ position: Int) -> String {
        var number = position + 1
        var label = ""
        while number > 0 {
            let digit = (number - 1) % 26
            label = String(UnicodeScalar(UInt8(65 + digit))) + label
            number = (number - 1) / 26
        }
        return label
    }

    /// The 1-based shown position a label names: letters ("B", "aa") or a number ("2"); nil
    /// for anything else.
    package static func position(of label: String) -> Int? {
        let text = label.trimmingCharacters(in: .whitespaces)
        if let number = Int(text), number >= 1 { return number }
        guard !text.isEmpty, text.count <= 2, text.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        var number = 0
        for scalar in text.uppercased().unicodeScalars { number = number * 26 + Int(scalar.value) - 64 }
        return number
    }
}
