/// One training pair shown in the report, so a reader sees what the rows look like. Texts are
/// cut to `limit` characters; the page escapes them like every other text.
public struct RunReportExample: Codable, Hashable, Sendable {
    public static let limit = 600

    public var prompt: String
    public var chosen: String
    public var rejected: String
    public var chosenModel: String?
    public var rejectedModel: String?
    public var margin: Double?

    public init(prompt: String, chosen: String, rejected: String, chosenModel: String? = nil, rejectedModel: String? = nil, margin: Double? = nil) {
        self.prompt = Self.cut(prompt)
        self.chosen = Self.cut(chosen)
        self.rejected = Self.cut(rejected)
        self.chosenModel = chosenModel
        self.rejectedModel = rejectedModel
        self.margin = margin
    }

    static func cut(_ text: String) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    enum CodingKeys: String, CodingKey {
        case prompt, chosen, rejected, margin
        case chosenModel = "chosen_model"
        case rejectedModel = "rejected_model"
    }
}
