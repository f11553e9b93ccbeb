/// The `pool:` block: which models answer prompts and how many answers each prompt gets.
///
/// ```yaml
/// pool:
///   models: [...]             # PoolModel entries
///   select: 4                 # k of N by weight, without replacement; or `all` (the default)
///   samples_per_model: 1      # answers per selected model
///   on_policy: {policy: NAME} # optional: one answer from NAME, the rest from the pool
///   best_of_n: {model: NAME, n: 8}  # optional, instead: n answers of one model
/// ```
public struct ModelPoolConfiguration: Codable, Hashable, Sendable {
    public var models: [PoolModel]
    public var select: ModelSelection = .all
    public var samplesPerModel: Int = 1
    public var onPolicy: OnPolicySampling?
    public var bestOfN: BestOfNSampling?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case models, select
        case samplesPerModel = "samples_per_model"
        case onPolicy = "on_policy"
        case bestOfN = "best_of_n"
    }

    /// The model named `name`.
    public func model(named name: String) -> PoolModel? {
        models.first { $0.name == name }
    }

    /// The models k-of-N selection draws from: every model but the on-policy policy.
    public var selectableModels: [PoolModel] {
        guard let onPolicy else { return models }
        return models.filter { $0.name != onPolicy.policy }
    }
}

/// Decoding sits in an extension so the struct keeps its synthesized memberwise initializer.
extension ModelPoolConfiguration {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        models = try c.decode([PoolModel].self, forKey: .models)
        select = try c.decodeIfPresent(ModelSelection.self, forKey: .select) ?? .all
        samplesPerModel = try c.decodeIfPresent(Int.self, forKey: .samplesPerModel) ?? 1
        onPolicy = try c.decodeIfPresent(OnPolicySampling.self, forKey: .onPolicy)
        bestOfN = try c.decodeIfPresent(BestOfNSampling.self, forKey: .bestOfN)
        try check(c)
    }

    private func check(_ c: KeyedDecodingContainer<CodingKeys>) throws {
        func fail(_ path: [any CodingKey], _ message: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: c.codingPath + path, debugDescription: message))
        }
        if models.isEmpty { throw fail([CodingKeys.models], "the pool needs at least one model") }
        var seen: [String: Int] = [:]
        for (index, model) in models.enumerated() {
            if let first = seen[model.name] {
                throw fail(
                    [CodingKeys.models, ConfigKey(intValue: index), ConfigKey(stringValue: "name")],
                    "model name '\(model.name)' is already used by models[\(first)]")
            }
            seen[model.name] = index
        }
        if samplesPerModel < 1 { throw fail([CodingKeys.samplesPerModel], "must be at least 1") }
        if onPolicy != nil && bestOfN != nil {
            throw fail([CodingKeys.bestOfN], "on_policy and best_of_n cannot be combined; choose one")
        }
        let names = models.map(\.name).joined(separator: ", ")
        if let onPolicy {
            guard seen[onPolicy.policy] != nil else {
                throw fail(
                    [CodingKeys.onPolicy, OnPolicySampling.CodingKeys.policy],
                    "unknown model '\(onPolicy.policy)'; the pool has: \(names)")
            }
            if selectableModels.isEmpty {
                throw fail([CodingKeys.models], "on-policy sampling needs at least one pool model besides the policy")
            }
        }
        if let bestOfN, seen[bestOfN.model] == nil {
            throw fail(
                [CodingKeys.bestOfN, BestOfNSampling.CodingKeys.model],
                "unknown model '\(bestOfN.model)'; the pool has: \(names)")
        }
        if case .count(let k) = select, bestOfN == nil, k > selectableModels.count {
            let what = onPolicy == nil ? "the pool has" : "besides the policy, the pool has"
            throw fail([CodingKeys.select], "select is \(k) but \(what) only \(selectableModels.count) model(s)")
        }
    }
}
