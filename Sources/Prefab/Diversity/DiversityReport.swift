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
    public var figures: [DiversityFigure] {
        var rows: [DiversityFigure] = []
        if let distinct {
            for (index, value) in distinct.values.enumerated() {
                rows.append(DiversityFigure(key: "distinct-\(index + 1)", value: value, higherIsMoreDiverse: true,
                                            detail: "\(distinct.uniqueCounts[index]) of \(distinct.totalCounts[index])"))
            }
            rows.append(DiversityFigure(key: "distinct-sum", value: distinct.sum, higherIsMoreDiverse: true, detail: "n = 1…\(distinct.values.count)"))
        }
        if let selfRepetition {
            rows.append(DiversityFigure(key: "self-repetition", value: selfRepetition.score, higherIsMoreDiverse: false,
                                        detail: "\(selfRepetition.n)-grams"))
        }
        if let compression {
            rows.append(DiversityFigure(key: "compression-ratio", value: compression.ratio, higherIsMoreDiverse: false,
                                        detail: "zstd -\(compression.level), \(compression.rawBytes) B"))
        }
        if let homogenization {
            rows.append(DiversityFigure(key: "homogenization", value: homogenization.score, higherIsMoreDiverse: false,
                                        detail: "ROUGE-L, \(homogenization.sampleSize) docs"))
        }
        if let vendi {
            rows.append(DiversityFigure(key: "vendi", value: vendi.score, higherIsMoreDiverse: true,
                                        detail: "n = \(vendi.count), d = \(vendi.dimension)"))
        }
        if let clusters {
            rows.append(DiversityFigure(key: "clusters", value: Double(clusters.clusters), higherIsMoreDiverse: true,
                                        detail: "cos ≥ \(clusters.threshold), of \(clusters.sampleSize)"))
        }
        if let agent = clusterAgent {
            var detail = "K = \(agent.samplesPerRound)"
            if let spread = agent.standardDeviation { detail += ", ± \(DiversityTable.format(spread)) over \(agent.seeds.count) seeds" }
            if agent.roundsDiscarded > 0 { detail += ", \(agent.roundsDiscarded) rounds discarded" }
            rows.append(DiversityFigure(key: "cluster-agent", value: agent.mean, higherIsMoreDiverse: true, detail: detail))
        }
        return rows
    }
}
