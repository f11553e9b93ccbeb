import Foundation

/// One reviewer's standing label of one item, as `review.sqlite` holds it.
public struct HumanLabel: Codable, Hashable, Sendable {
    public var id: Int64
    public var promptID: String
    public var reviewer: String
    /// ISO 8601, UTC.
    public var createdAt: String
    public var verdict: String
    /// Optional aspect ratings the reviewer set (aspect → 1–5).
    public var aspects: [String: Double]?
    public var note: String?

    public init(
        id: Int64, promptID: String, reviewer: String, createdAt: String, verdict: String, aspects: [String: Double]? = nil,
        note: String? = nil
    ) {
        self.id = id
        self.promptID = promptID
        self.reviewer = reviewer
        self.createdAt = createdAt
        self.verdict = verdict
        self.aspects = aspects
        self.note = note
    }

    public var humanVerdict: HumanVerdict? { HumanVerdict(label: verdict) }

    enum CodingKeys: String, CodingKey {
        case id, reviewer, verdict, aspects, note
        case promptID = "prompt_id"
        case createdAt = "created_at"
    }
}
