/// One training pair shown in the report, so a reader sees what the rows look like. Texts are
/// cut to `limit` characters; the page escapes them like every other text.
package struct RunReportExample: Codable, Hashable, Sendable {
    package static let limit = 600

    package var prompt: String
    package var chosen: String
    package var rejected: String
    package var chosenModel: String?
    package var rejectedModel: String?
    package var margin: Double?

    package init(prompt: String, chosen: String, rejected: String, chosenModel: String? = nil, rejectedModel: String? = nil, margin: Double? = nil) {
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
