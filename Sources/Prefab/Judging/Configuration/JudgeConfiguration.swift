import Foundation

/// One entry of an ensemble's `judges:` list: a name, a weight, and what produces the votes.
public struct JudgeConfiguration: Codable, Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case llm(LLMJudgeConfiguration)
        case length(LengthScorerConfiguration)
        case refusal(RefusalScorerConfiguration)
        case format(FormatScorerConfiguration)
        case reference(ReferenceScorerConfiguration)
        case rewardModel(RewardModelScorerConfiguration)

        /// The `kind:` spelling.
        public var name: String {
            switch self {
            case .llm: "llm"
            case .length: "length"
            case .refusal: "refusal"
            case .format: "format"
            case .reference: "reference"
            case .rewardModel: "reward_model"
            }
        }

        public static let names = ["llm", "length", "refusal", "format", "reference", "reward_model"]
    }

    public var name: String
    /// Weight in `weighted_mean`; 0 records the votes without letting them count.
    public var weight: Double
    public var kind: Kind

    public init(name: String, weight: Double = 1, kind: Kind) {
        self.name = name
        self.weight = weight
        self.kind = kind
    }

    /// The keys every judge has; the kind-specific configurations accept them too.
    static let commonKeys: Set<String> = ["name", "kind", "weight"]

    /// The aspect a scorer votes on; nil for LLM judges (they vote on their rubrics).
    public var scorerAspect: String? {
        switch kind {
        case .llm: nil
        case .length(let c): c.aspect
        case .refusal(let c): c.aspect
        case .format(let c): c.aspect
        case .reference(let c): c.aspect
        case .rewardModel(let c): c.aspect
        }
    }

    /// The endpoint the judge calls, if it calls one.
    public var endpoint: String? {
        switch kind {
        case .llm(let c): c.endpoint
        case .rewardModel(let c): c.endpoint
        default: nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, weight
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
        let kindName = try c.decode(String.self, forKey: .kind)
        switch kindName {
        case "llm": kind = .llm(try LLMJudgeConfiguration(from: decoder))
        case "length": kind = .length(try LengthScorerConfiguration(from: decoder))
        case "refusal": kind = .refusal(try RefusalScorerConfiguration(from: decoder))
        case "format": kind = .format(try FormatScorerConfiguration(from: decoder))
        case "reference": kind = .reference(try ReferenceScorerConfiguration(from: decoder))
        case "reward_model": kind = .rewardModel(try RewardModelScorerConfiguration(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c, debugDescription: "unknown kind '\(kindName)'; expected one of \(Kind.names.joined(separator: ", "))")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "a judge needs a non-empty name")
        }
        if !(weight >= 0 && weight.isFinite) {
            throw DecodingError.dataCorruptedError(forKey: .weight, in: c, debugDescription: "must be a finite number >= 0, not \(weight)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch kind {
        case .llm(let c): try c.encode(to: encoder)
        case .length(let c): try c.encode(to: encoder)
        case .refusal(let c): try c.encode(to: encoder)
        case .format(let c): try c.encode(to: encoder)
        case .reference(let c): try c.encode(to: encoder)
        case .rewardModel(let c): try c.encode(to: encoder)
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind.name, forKey: .kind)
        try c.encode(weight, forKey: .weight)
    }
}
