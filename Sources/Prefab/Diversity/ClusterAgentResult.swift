import Foundation

/// The LLM cluster-agent diversity score over all seeds. D = (1/N) Σ Cᵢ/Sᵢ per seed, with Cᵢ
/// the clusters in round i and Sᵢ their mean size; it ranges from 1/K (all K texts in one
/// cluster) to K (every text its own cluster). Only scores at the same K compare.
public struct ClusterAgentResult: Sendable, Codable, Equatable {
    /// K, printed beside every score.
    public let samplesPerRound: Int
    /// J.
    public let criteriaSamplesPerRound: Int
    /// M.
    public let criteriaRounds: Int
    /// N.
    public let clusteringRounds: Int
    /// Mean of the seeds' scores (seeds with no scored round left out); nil when none scored.
    public let mean: Double?
    /// Sample standard deviation of the seeds' scores; 0 with one scored seed.
    public let standardDeviation: Double?
    public let seeds: [ClusterAgentSeedResult]

    public var roundsDiscarded: Int { seeds.reduce(0) { $0 + $1.roundsDiscarded } }
    public var roundsScored: Int { seeds.reduce(0) { $0 + $1.roundsScored } }

    init(configuration: ClusterAgentConfiguration, seeds: [ClusterAgentSeedResult]) {
        self.samplesPerRound = configuration.samplesPerRound
        self.criteriaSamplesPerRound = configuration.criteriaSamplesPerRound
        self.criteriaRounds = configuration.criteriaRounds
        self.clusteringRounds = configuration.clusteringRounds
        self.seeds = seeds
        let scores = seeds.compactMap(\.score)
        if scores.isEmpty {
            mean = nil
            standardDeviation = nil
        } else {
            let mean = scores.reduce(0, +) / Double(scores.count)
            self.mean = mean
            if scores.count == 1 {
                standardDeviation = 0
            } else {
                let squares = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                standardDeviation = (squares / Double(scores.count - 1)).squareRoot()
            }
        }
    }
}
