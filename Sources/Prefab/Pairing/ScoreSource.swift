/// Which number decides which completion is better.
public enum ScoreSource: Hashable, Sendable, CustomStringConvertible {
    /// The mean of the aspect ratings (`fine-grained_score`).
    case fineGrained
    /// `overall_score` (for example the critique's 1–10).
    case overall
    /// One aspect's aggregated rating.
    case aspect(String)
    /// A weighted mean of aspect ratings; every named aspect must be rated.
    case weighted([String: Double])
    /// A number from a scoring judge (a reward model, a deterministic scorer), by judge name.
    case judgeScore(String)

    /// Parses `fine-grained`, `overall`, `aspect:NAME`, `weighted:A=W,B=W` or `score:JUDGE`.
    public init(parsing text: String) throws(PairingError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count) {
        case ("fine-grained", 1), ("fine_grained", 1), ("mean", 1): self = .fineGrained
        case ("overall", 1): self = .overall
        case ("aspect", 2) where !parts[1].isEmpty: self = .aspect(parts[1])
        case ("score", 2) where !parts[1].isEmpty, ("reward", 2) where !parts[1].isEmpty: self = .judgeScore(parts[1])
        case ("weighted", 2):
            var weights: [String: Double] = [:]
            for item in parts[1].split(separator: ",") {
                let pair = item.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, let weight = Double(pair[1]), weight >= 0, !pair[0].isEmpty else {
                    throw .invalidScoreSource(text)
                }
                weights[String(pair[0])] = weight
            }
            guard !weights.isEmpty, weights.values.contains(where: { $0 > 0 }) else { throw .invalidScoreSource(text) }
            self = .weighted(weights)
        default:
            throw .invalidScoreSource(text)
        }
    }

    /// The completion's score, or nil when it is missing (a parse failure, N/A, an unrated aspect).
    public func score(of completion: RatedCompletion) -> Double? {
        switch self {
        case .fineGrained: return completion.fineGrainedScore
        case .overall: return completion.overallScore
        case .aspect(let name): return completion.annotations[name]?.score
        case .judgeScore(let name): return completion.scores[name]
        case .weighted(let weights):
            var total = 0.0
            var weightSum = 0.0
            for (aspect, weight) in weights where weight > 0 {
                guard let rating = completion.annotations[aspect]?.score else { return nil }
                total += rating * weight
                weightSum += weight
            }
            return weightSum > 0 ? total / weightSum : nil
        }
    }

    public var description: String {
        switch self {
        case .fineGrained: "fine-grained"
        case .overall: "overall"
        case .aspect(let name): "aspect:\(name)"
        case .judgeScore(let name): "score:\(name)"
        case .weighted(let weights):
            "weighted:" + weights.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }
}
