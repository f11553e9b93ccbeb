/// The `prompts:` block: where prompts come from. Either a path (`prompts: data/prompts.jsonl`)
/// or a mapping:
///
/// ```yaml
/// prompts:
///   path: data/prompts.jsonl.zst   # .jsonl, .jsonl.zst, or an MDS directory; relative to the config
///   skip_invalid: true             # count invalid records as warnings instead of stopping
///   limit: 1000                    # only the first N valid, distinct prompts
/// ```
public struct PromptInputConfiguration: Codable, Hashable, Sendable {
    public var path: String
    public var skipInvalid: Bool
    public var limit: Int?

    public init(path: String, skipInvalid: Bool = false, limit: Int? = nil) {
        self.path = path
        self.skipInvalid = skipInvalid
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path
        case skipInvalid = "skip_invalid"
        case limit
    }

    public init(from decoder: any Decoder) throws {
        if let path = decoder.bareString() {
            self.init(path: path)
            return
        }
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let limit = try c.decodeIfPresent(Int.self, forKey: .limit)
        if let limit, limit < 1 {
            throw DecodingError.dataCorruptedError(forKey: .limit, in: c, debugDescription: "limit must be at least 1")
        }
        self.init(
            path: try c.decode(String.self, forKey: .path),
            skipInvalid: try c.decodeIfPresent(Bool.self, forKey: .skipInvalid) ?? false,
            limit: limit)
    }
}
