/// One aspect's rating of one completion, in the released UltraFeedback shape.
///
/// UltraFeedback stores ratings as strings ("4", or "N/A" where honesty does not apply), under
/// capitalised keys. Prefab keeps that shape so existing readers of UltraFeedback work unchanged;
/// `score` gives the number, or nil when the aspect did not apply or could not be rated.
public struct AspectAnnotation: Codable, Hashable, Sendable {
    /// "1" … "5", "N/A", or "" when every judge failed to give a parseable rating.
    public var rating: String
    public var rationale: String
    /// Type labels for aspects that take them (truthfulness, helpfulness).
    public var types: [String]?
    /// UltraFeedback's second rationale for typed aspects.
    public var rationaleForRating: String?

    public init(rating: String, rationale: String, types: [String]? = nil, rationaleForRating: String? = nil) {
        self.rating = rating
        self.rationale = rationale
        self.types = types
        self.rationaleForRating = rationaleForRating
    }

    /// The numeric rating; nil for "N/A" and for a missing rating.
    public var score: Double? { Double(rating) }

    enum CodingKeys: String, CodingKey {
        case rating = "Rating"
        case rationale = "Rationale"
        case types = "Type"
        case rationaleForRating = "Rationale For Rating"
    }
}
