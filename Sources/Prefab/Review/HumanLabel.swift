import Foundation

/// One reviewer's standing label of one item, as `review.sqlite` holds it.
package struct HumanLabel: Codable, Hashable, Sendable {
    package var id: Int64
    package var promptID: String
    package var reviewer: String
    /// ISO 8601, UTC.
    package var createdAt: String
    package var verdict: String
    /// Optional aspect ratings the reviewer set (aspect → 1–5).
    package var aspects: [String: Double]?
    package var note: String?

    package var humanVerdict: HumanVerdict? { HumanVerdict(label: verdict) }

    enum CodingKeys: String, CodingKey {
        case id, reviewer, verdict, aspects, note
        case promptID = "prompt_id"
        case createdAt = "created_at"
    }
}
