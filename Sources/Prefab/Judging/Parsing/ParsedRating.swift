/// One rating read from a judge's answer, with the words that justify it.
public struct ParsedRating: Hashable, Sendable {
    public var rating: RatingValue
    public var rationale: String
    /// Type labels (UltraFeedback's truthfulness and helpfulness types), when the rubric asks for them.
    public var types: [String]?
    /// The second rationale typed aspects carry (the one about the rating, after the types').
    public var rationaleForRating: String?

    public init(rating: RatingValue, rationale: String = "", types: [String]? = nil, rationaleForRating: String? = nil) {
        self.rating = rating
        self.rationale = rationale
        self.types = types
        self.rationaleForRating = rationaleForRating
    }
}
