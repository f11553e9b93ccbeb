/// How often each principle is used: principle name → weight (any positive scale; 0.8 and 0.2
/// mean the same as 4 and 1). Written in YAML as a plain mapping, e.g.
/// `{helpfulness: 0.8, verbalized_calibration: 0.2}`.
public struct PrincipleMix: Codable, Hashable, Sendable {
    public var weights: [String: Double]

    public init(_ weights: [String: Double]) {
        self.weights = weights
    }

    /// Every principle of `library` but `none`, equally often.
    public static func uniform(over library: PrincipleLibrary) -> PrincipleMix {
        let names = library.names.filter { $0 != Principle.noneName }
        return PrincipleMix(Dictionary(uniqueKeysWithValues: names.map { ($0, 1.0) }))
    }

    /// A principle drawn with probability proportional to its weight. Names are taken in sorted
    /// order so the draw depends only on the generator, never on dictionary order.
    public func choose(using generator: inout SeededGenerator) -> String {
        let entries = weights.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        precondition(!entries.isEmpty, "a principle mix needs a positive weight (checked when the config loads)")
        return WeightedChoice.pick(entries.map { ($0.key, $0.value) }, using: &generator)
    }

    /// The probability of each principle, for reports and tests.
    public var probabilities: [String: Double] {
        let total = weights.values.filter { $0 > 0 }.reduce(0, +)
        return weights.filter { $0.value > 0 }.mapValues { $0 / total }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        weights = try container.decode([String: Double].self)
        for (name, weight) in weights where !(weight >= 0 && weight.isFinite) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + [ConfigKey(stringValue: name)],
                    debugDescription: "a weight must be a finite number ≥ 0, not \(weight)"))
        }
        if !weights.values.contains(where: { $0 > 0 }) {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a principle mix needs at least one positive weight")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(weights)
    }
}
