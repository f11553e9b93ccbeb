import PrefabShards

/// An ensemble's reliability on one record or a whole run: agreement between its judges, each
/// judge's position and length bias, parse failures, calls and tokens.
public struct AgreementFigures: Codable, Hashable, Sendable {
    /// Krippendorff's alpha (ordinal) over every completion × aspect rated by two or more judges.
    public var krippendorffAlpha: Double?
    /// Completion × aspect units that two or more judges rated.
    @DefaultIfAbsent public var alphaUnits: Int = 0
    /// Kappa and Spearman for every pair of judges that rated something in common.
    @DefaultIfAbsent public var pairs: [JudgePairAgreement] = []
    /// By judge name.
    @DefaultIfAbsent public var judges: [String: JudgeFigures] = [:]

    /// The figures as a record keeps them: without cache counts, which say how a run went (how
    /// often it was resumed), not what the data is, so a record's bytes do not depend on them.
    public var withoutCacheCounts: AgreementFigures {
        var figures = self
        figures.judges = judges.mapValues { judge in
            var judge = judge
            judge.cachedCalls = 0
            return judge
        }
        return figures
    }

    /// Every judge's figures added together.
    public var total: JudgeFigures {
        judges.values.reduce(into: JudgeFigures()) { $0.merge($1) }
    }

    enum CodingKeys: String, CodingKey {
        case krippendorffAlpha = "krippendorff_alpha"
        case alphaUnits = "alpha_units"
        case pairs, judges
    }
}

