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
    /// Metrics that were asked for but could not be measured (the endpoint was down, the corpus
    /// too small for K...), by figure key (`vendi`, `clusters`, `cluster-agent`), with the
    /// reason. The run report fills it rather than failing; `prefab diversity` throws instead.
    public var failures: [String: String]?

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
            let sample = vendi.count == documents ? "" : ", \(vendi.count)-doc sample"
            rows.append(DiversityFigure(key: "vendi", value: vendi.score, higherIsMoreDiverse: true,
                                        detail: "effective documents, d = \(vendi.dimension)\(sample)"))
        } else if let reason = failures?["vendi"] {
            rows.append(Self.unmeasured("vendi", higherIsMoreDiverse: true, reason: reason))
        }
        if let clusters {
            rows.append(DiversityFigure(key: "clusters", value: Double(clusters.clusters), higherIsMoreDiverse: true,
                                        detail: "average link, cos ≥ \(clusters.threshold), \(clusters.sampleSize) docs"))
        } else if let reason = failures?["clusters"] {
            rows.append(Self.unmeasured("clusters", higherIsMoreDiverse: true, reason: reason))
        }
        if clusterAgent == nil, let reason = failures?[DiversityMetric.clusterAgent.rawValue] {
            rows.append(Self.unmeasured(DiversityMetric.clusterAgent.rawValue, higherIsMoreDiverse: true, reason: reason))
        }
        if let agent = clusterAgent {
            let rounds = agent.roundsScored + agent.roundsDiscarded
            let note = agent.roundsDiscarded > 0 ? "\(agent.roundsDiscarded) of \(rounds) rounds discarded" : nil
            rows.append(DiversityFigure(key: "cluster-agent", value: agent.mean, spread: agent.standardDeviation, higherIsMoreDiverse: true,
                                        detail: "K = \(agent.samplesPerRound), mean ± sd over \(agent.seeds.count) seed\(agent.seeds.count == 1 ? "" : "s")", note: note))
        }
        return rows
    }

    /// A row for a metric that was asked for but not measured: no value, the reason as its note.
    static func unmeasured(_ key: String, higherIsMoreDiverse: Bool, reason: String) -> DiversityFigure {
        let line = reason.split(whereSeparator: \.isNewline).first.map(String.init) ?? reason
        let short = line.count > 160 ? String(line.prefix(160)) + "…" : line
        return DiversityFigure(key: key, value: nil, higherIsMoreDiverse: higherIsMoreDiverse, detail: "not measured",
                               note: "not measured: \(short)")
    }
}
