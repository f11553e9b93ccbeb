/// An LLM judge (`kind: llm`), as an ensemble file describes it (`judges/README.md`).
public struct LLMJudgeConfiguration: Codable, Hashable, Sendable {
    /// An endpoint name from the run config (or the endpoints file).
    public var endpoint: String
    /// Overrides the endpoint's model id.
    public var model: String?
    public var rubrics: [String]
    public var mode: JudgeMode
    public var shuffle: Bool = true
    /// `multi` mode: how many calls per rubric, each showing the completions in a different
    /// order (`LLMJudge.shownOrder`), their ratings averaged per completion. A judge that favours
    /// a position then favours every completion alike instead of whichever the seed put there.
    public var shuffles: Int = 1
    public var orders: PairwiseOrders = .both
    public var pairs: PairSelection = .all
    /// A template name under `rubrics/templates/` or a path relative to the ensemble file.
    public var template: String?
    /// `system` by default; `none` sends no system message.
    public var systemTemplate: String = "system"
    public var withReference: Bool = true
    public var temperature: Double = 0
    public var topP: Double?
    public var seed: Int = 0
    public var maxTokens: Int = 600
    public var samples: Int = 1
    public var retries: Int = 2
    public var structuredOutput: StructuredOutputMode = .auto
    public var rationaleMaxChars: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, model, rubrics, mode, shuffle, shuffles, orders, pairs, template
        case systemTemplate = "system_template"
        case withReference = "with_reference"
        case temperature
        case topP = "top_p"
        case seed
        case maxTokens = "max_tokens"
        case samples, retries
        case structuredOutput = "structured_output"
        case rationaleMaxChars = "rationale_max_chars"
    }
}

/// Decoding sits in an extension so the struct keeps its synthesized memberwise initializer.
extension LLMJudgeConfiguration {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, alsoAllowed: JudgeConfiguration.commonKeys)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        rubrics = try c.decode([String].self, forKey: .rubrics)
        mode = try c.decode(JudgeMode.self, forKey: .mode)
        shuffle = try c.decodeIfPresent(Bool.self, forKey: .shuffle) ?? true
        shuffles = try c.decodeIfPresent(Int.self, forKey: .shuffles) ?? 1
        orders = try c.decodeIfPresent(PairwiseOrders.self, forKey: .orders) ?? .both
        pairs = try c.decodeIfPresent(PairSelection.self, forKey: .pairs) ?? .all
        template = try c.decodeIfPresent(String.self, forKey: .template)
        systemTemplate = try c.decodeIfPresent(String.self, forKey: .systemTemplate) ?? "system"
        withReference = try c.decodeIfPresent(Bool.self, forKey: .withReference) ?? true
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? 0
        topP = try c.decodeIfPresent(Double.self, forKey: .topP)
        seed = try c.decodeIfPresent(Int.self, forKey: .seed) ?? 0
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? 600
        samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? 1
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? 2
        structuredOutput = try c.decodeIfPresent(StructuredOutputMode.self, forKey: .structuredOutput) ?? .auto
        rationaleMaxChars = try c.decodeIfPresent(Int.self, forKey: .rationaleMaxChars)
        func fail(_ key: CodingKeys, _ message: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: message)
        }
        if rubrics.isEmpty { throw fail(.rubrics, "list at least one rubric") }
        if Set(rubrics).count != rubrics.count { throw fail(.rubrics, "a rubric is listed twice") }
        if !(0...2).contains(temperature) { throw fail(.temperature, "must be in 0...2") }
        if maxTokens < 1 { throw fail(.maxTokens, "must be at least 1") }
        if !(1...16).contains(samples) { throw fail(.samples, "must be in 1...16") }
        if !(1...16).contains(shuffles) { throw fail(.shuffles, "must be in 1...16") }
        // Several orders only exist where several answers share a call: `pairwise` balances
        // positions with `orders: both`, and `single` shows one answer at a time.
        if shuffles > 1, mode != .multi { throw fail(.shuffles, "applies to multi mode only (pairwise has orders: both)") }
        if shuffles > 1, !shuffle { throw fail(.shuffles, "needs shuffle: true (every call would show the same order)") }
        if !(0...10).contains(retries) { throw fail(.retries, "must be in 0...10") }
        if let rationaleMaxChars, rationaleMaxChars < 1 { throw fail(.rationaleMaxChars, "must be positive") }
    }
}
