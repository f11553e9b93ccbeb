/// The numbers a rubric allows: inclusive bounds, and whether "N/A" is an acceptable answer.
///
/// Parsers check every rating against the scale: a value outside it is a parse failure, never
/// clamped into range, because a clamped number would be a score the judge did not give.
package struct RatingScale: Hashable, Sendable, Codable {
    package var min: Int
    package var max: Int
    package var allowsNotApplicable: Bool

    package init(min: Int, max: Int, allowsNotApplicable: Bool = false) {
        self.min = min
        self.max = max
        self.allowsNotApplicable = allowsNotApplicable
    }

    /// UltraFeedback's aspect scale.
    package static let oneToFive = RatingScale(min: 1, max: 5)
    /// UltraFeedback's critique score.
    package static let oneToTen = RatingScale(min: 1, max: 10)

    package func contains(_ value: Double) -> Bool {
        value.isFinite && value >= Double(min) && value <= Double(max)
    }

    /// The allowed answers as strings, for JSON-schema enums: "1" … "5" (and "N/A").
    package var allowedStrings: [String] {
        (min...max).map(String.init) + (allowsNotApplicable ? ["N/A"] : [])
    }

    /// Checks a parsed value against the scale.
    func validate(_ value: RatingValue) -> RatingValue? {
        switch value {
        case .notApplicable: allowsNotApplicable ? value : nil
        case .score(let number): contains(number) ? value : nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case min, max
        case allowsNotApplicable = "allows_na"
    }
}
