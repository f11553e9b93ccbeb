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
    /// Answers sent in one request, for servers that take a list (`{"input": [TEXT, ...]}`:
    /// vLLM's `/classify` and `/pooling`, TEI): a prompt's answers go `batch` at a time, and
    /// `score_path` reads item i with `*` standing for i (`data.*.score`). Nil: one answer a
    /// request, `input` a single string. Only the `text` shape has a list form.
    public var batch: Int?

    /// The most answers one batched request may carry.
    public static let maximumBatch = 256

    public init(
        endpoint: String, model: String? = nil, aspect: String = "reward", request: RequestShape = .chat, path: String = "",
        scorePath: String = "score", range: [Double]? = nil, batch: Int? = nil
    ) {
        self.endpoint = endpoint
        self.model = model
        self.aspect = aspect
        self.request = request
        self.path = path
        self.scorePath = scorePath
        self.range = range
        self.batch = batch
    }

    /// The score path of item `index` of a batched answer (`*` replaced by the index).
    func scorePath(item index: Int) -> String {
        scorePath.split(separator: ".", omittingEmptySubsequences: false).map { $0 == "*" ? String(index) : String($0) }
            .joined(separator: ".")
    }

    /// Whether the score path has a `*` segment.
    var scorePathHasItem: Bool {
        scorePath.split(separator: ".").contains("*")
    }

    /// The key of this scorer's client among an ensemble's reward-model clients: the endpoint
    /// and the path, so two scorers on one endpoint with different routes keep their own.
    public var clientKey: String { path.isEmpty ? endpoint : endpoint + path }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, model, aspect, request, path
        case scorePath = "score_path"
        case range, batch
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, alsoAllowed: JudgeConfiguration.commonKeys)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        aspect = try c.decodeIfPresent(String.self, forKey: .aspect) ?? "reward"
        request = try c.decodeIfPresent(RequestShape.self, forKey: .request) ?? .chat
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? ""
        scorePath = try c.decodeIfPresent(String.self, forKey: .scorePath) ?? "score"
        range = try c.decodeIfPresent([Double].self, forKey: .range)
        batch = try c.decodeIfPresent(Int.self, forKey: .batch)
        if let batch {
            guard (1...Self.maximumBatch).contains(batch) else {
                throw DecodingError.dataCorruptedError(forKey: .batch, in: c, debugDescription: "must be in 1...\(Self.maximumBatch), got \(batch)")
            }
            guard request == .text else {
                throw DecodingError.dataCorruptedError(
                    forKey: .batch, in: c, debugDescription: "a batch is sent as a list of texts: set request: text (the chat shape has no list form)")
            }
            guard scorePathHasItem else {
                throw DecodingError.dataCorruptedError(
                    forKey: .scorePath, in: c, debugDescription: "with batch, mark the item's index with '*' (e.g. data.*.score), got '\(scorePath)'")
            }
        } else if scorePathHasItem {
            throw DecodingError.dataCorruptedError(
                forKey: .scorePath, in: c, debugDescription: "'*' stands for an item of a batched answer; set batch: N or name the index")
        }
        if let range, range.count != 2 || !(range[0] < range[1]) {
            throw DecodingError.dataCorruptedError(forKey: .range, in: c, debugDescription: "expected [low, high] with low < high")
        }
        if !path.isEmpty, !path.hasPrefix("/") {
            throw DecodingError.dataCorruptedError(forKey: .path, in: c, debugDescription: "must start with /")
        }
    }
}
