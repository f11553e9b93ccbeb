/// A rubric's scale: inclusive integer bounds and whether the judge may answer N/A.
package struct RubricScale: Codable, Hashable, Sendable {
    package var min: Int
    package var max: Int
    package var allowNA: Bool
    /// The literal the judge writes for N/A (`N/A`).
    package var naLabel: String?
    /// When N/A is right; completes "use when …".
    package var naWhen: String?

    /// The scale as the parsers check it.
    package var ratingScale: RatingScale { RatingScale(min: min, max: max, allowsNotApplicable: allowNA) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case min, max
        case allowNA = "allow_na"
        case naLabel = "na_label"
        case naWhen = "na_when"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        min = try c.decode(Int.self, forKey: .min)
        max = try c.decode(Int.self, forKey: .max)
        allowNA = try c.decodeIfPresent(Bool.self, forKey: .allowNA) ?? false
        naLabel = try c.decodeIfPresent(String.self, forKey: .naLabel)
        naWhen = try c.decodeIfPresent(String.self, forKey: .naWhen)
        guard min < max else {
            throw DecodingError.dataCorruptedError(forKey: .max, in: c, debugDescription: "max (\(max)) must be greater than min (\(min))")
        }
        if allowNA {
            guard let naLabel, !naLabel.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .naLabel, in: c, debugDescription: "required when allow_na is true (the literal the judge writes, e.g. N/A)")
            }
            guard naWhen != nil else {
                throw DecodingError.dataCorruptedError(forKey: .naWhen, in: c, debugDescription: "required when allow_na is true (when N/A is the right answer)")
            }
        }
    }
}
