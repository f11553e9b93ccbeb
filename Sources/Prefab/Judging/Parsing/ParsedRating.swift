/// One rating read from a judge's answer, with the words that justify it.
package struct ParsedRating: Hashable, Sendable {
    package var rating: RatingValue
    package var rationale: String
    /// Type labels (UltraFeedback's truthfulness and helpfulness types), when the rubric asks for them.
    package var types: [String]?
    /// The second rationale typed aspects carry (the one about the rating, after the types').
    package var rationaleForRating: String?

    package init(rating: RatingValue, rationale: String = "", types: [String]? = nil, rationaleForRating: String? = nil) {
        self.rating = rating
        self.rationale = rationale
        self.types = types
        self.rationaleForRating = rationaleForRating
    }
}
