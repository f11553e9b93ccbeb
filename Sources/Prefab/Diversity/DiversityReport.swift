/// Every metric measured on one corpus (absent when not selected), and the same figures as
/// uniform rows for tables and comparisons.
public struct DiversityReport: Sendable, Codable, Equatable {
    public var label: String
    public var documents: Int
    /// The embedding model behind `vendi` and `clusters`.
    public var embeddingModel: String?
    public var distinct: DistinctN?
    public var selfRepetition: SelfRepetition?
    public var compression: CompressionRatio?
    public var homogenization: Homogenization?
    public var vendi: VendiScore?
    public var clusters: EmbeddingClusterCount?
    public var clusterAgent: ClusterAgentResult?

    public init(label: String, documents: Int) {
        self.label = label
        self.documents = documents
    }

    /// One row per figure, in a fixed order, each knowing which direction is more diverse.
    /// `detail` holds only what must match for two corpora to compare (n, level, K...).
    public var figures: [DiversityFigure] {
        var rows: [DiversityFigure] = []
        if let distinct {
            for (index, value) in distinct.values.enumerated() {
                rows.append(DiversityFigure(key: "distinct-\(index + 1)", value: value, higherIsMoreDiverse: true,
                                            detail: "unique / all \(index + 1)-grams"))
            }
            rows.append(DiversityFigure(key: "distinct-sum", value: distinct.sum, higherIsMoreDiverse: true,
                                        detail: "distinct-1 + … + distinct-\(distinct.values.count)"))
        }
        if let selfRepetition {
            rows.append(DiversityFigure(key: "self-repetition", value: selfRepetition.score, higherIsMoreDiverse: false,
                                        detail: "mean log(1 + shared \(selfRepetition.n)-grams)"))
        }
        if let compression {
            rows.append(DiversityFigure(key: "compression-ratio", value: compression.ratio, higherIsMoreDiverse: false,
                                        detail: "raw / zstd -\(compression.level) bytes"))
        }
        if let homogenization {
            rows.append(DiversityFigure(key: "homogenization", value: homogenization.score, higherIsMoreDiverse: false,
                                        detail: "mean ROUGE-L F1, \(homogenization.sampleSize)-doc sample"))
        }
        if let vendi {
            rows.append(DiversityFigure(key: "vendi", value: vendi.score, higherIsMoreDiverse: true,
                                        detail: "effective documents, d = \(vendi.dimension)"))
        }
        if let clusters {
            rows.append(DiversityFigure(key: "clusters", value: Double(clusters.clusters), higherIsMoreDiverse: true,
                                        detail: "average link, cos ≥ \(clusters.threshold), \(clusters.sampleSize) docs"))
        }
        if let agent = clusterAgent {
            let rounds = agent.roundsScored + agent.roundsDiscarded
            let note = agent.roundsDiscarded > 0 ? "\(agent.roundsDiscarded) of \(rounds) rounds discarded" : nil
            rows.append(DiversityFigure(key: "cluster-agent", value: agent.mean, spread: agent.standardDeviation, higherIsMoreDiverse: true,
                                        detail: "K = \(agent.samplesPerRound), mean ± sd over \(agent.seeds.count) seed\(agent.seeds.count == 1 ? "" : "s")", note: note))
        }
        return rows
    }
}
