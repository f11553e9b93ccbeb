/// `kind: reward_model`: POSTs the prompt and the response to a reward-model endpoint and reads
/// the score at a JSON path. With `range`, the score also becomes a 1–5 rating.
public struct RewardModelScorerConfiguration: Codable, Hashable, Sendable {
    public enum RequestShape: String, Codable, Hashable, Sendable, CaseIterable {
        /// `{"model", "messages": [..., {"role": "assistant", "content": RESPONSE}]}`.
        case chat
        /// `{"model", "input": TEXT}`: one user turn is `PROMPT + "\n\n" + RESPONSE`; a longer
        /// conversation renders every turn as `Role: text` and ends with `Assistant: RESPONSE`.
        case text
    }

    public var endpoint: String
    public var model: String?
    public var aspect: String
    public var request: RequestShape
    /// Appended to the endpoint's `base_url` (e.g. `/classify`); "" posts to `base_url` itself.
    public var path: String
    /// Dot path to the score: object keys, and digits for array indices (`data.0.score`).
    public var scorePath: String
    /// Raw scores mapped linearly onto 1–5 (and clipped); without it no rating is cast.
    public var range: [Double]?

    public init(endpoint: String, model: String? = nil, aspect: String = "reward", request: RequestShape = .chat, path: String = "", scorePath: String = "score", range: [Double]? = nil) {
        self.endpoint = endpoint
        self.model = model
        self.aspect = aspect
        self.request = request
        self.path = path
        self.scorePath = scorePath
        self.range = range
    }

    /// The key of this scorer's client among an ensemble's reward-model clients: the endpoint
    /// and the path, so two scorers on one endpoint with different routes keep their own.
    public var clientKey: String { path.isEmpty ? endpoint : endpoint + path }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, model, aspect, request, path
        case scorePath = "score_path"
        case range
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, alsoAllowed: JudgeConfiguration.commonKeys)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        aspect = try c.decodeIfPresent(String.self, forKey: .aspect) ?? "reward"
        request = try c.decodeIfPresent(RequestShape.self, forKey: .request) ?? .chat
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? ""
        scorePath = try c.decodeIfPresent(String.self, forKey: .scorePath) ?? "score"
        range = try c.decodeIfPresent([Double].self, forKey: .range)
        if let range, range.count != 2 || !(range[0] < range[1]) {
            throw DecodingError.dataCorruptedError(forKey: .range, in: c, debugDescription: "expected [low, high] with low < high")
        }
        if !path.isEmpty, !path.hasPrefix("/") {
            throw DecodingError.dataCorruptedError(forKey: .path, in: c, debugDescription: "must start with /")
        }
    }
}
