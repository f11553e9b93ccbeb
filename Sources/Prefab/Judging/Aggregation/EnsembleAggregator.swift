/// Turns the votes on a prompt's completions into UltraFeedback's annotations, the
/// fine-grained score, the critique and the overall score, as the ensemble's `aggregation`
/// block says (`judges/README.md`). It reads nothing but the votes, so a stored record can be
/// re-aggregated later without asking the judges again.
package struct EnsembleAggregator: Sendable {
    package var configuration: AggregationConfiguration
    /// Judge name → weight; judges not listed weigh 1. Weight 0 records without counting.
    package var judgeWeights: [String: Double]
    /// Aspect → scale; aspects not listed are on 1–5 (every scorer aspect is).
    package var scales: [String: RatingScale]
    /// Aspects of `kind: critique` rubrics: they give `critique` and (maybe) `overall_score`,
    /// not annotations.
    package var critiqueAspects: Set<String>
    /// Every aspect the ensemble's counted LLM judges rate (`ratedAspects(of:)`). A completion
    /// without a reading (a rating or N/A) for one of them is incomplete: a mean over what was
    /// left would rank it against fully rated siblings on different terms, so it gets no
    /// fine-grained or overall score and pairing treats it as missing.
    package var ratedAspects: Set<String>

    package init(
        configuration: AggregationConfiguration, judgeWeights: [String: Double] = [:], scales: [String: RatingScale] = [:],
        critiqueAspects: Set<String> = [], ratedAspects: Set<String> = []
    ) {
        self.configuration = configuration
        self.judgeWeights = judgeWeights
        self.scales = scales
        self.critiqueAspects = critiqueAspects
        self.ratedAspects = ratedAspects
    }

    /// The aspects every completion must have a reading for: each rubric (aspect or critique) of
    /// the LLM judges that rate completions one by one (`multi`, `single`) and count (weight
    /// above 0). Pairwise judges give win rates, not aspect readings; scorers' checks may not
    /// apply (no reference), which `require` already handles.
    package static func ratedAspects(of configuration: EnsembleConfiguration) -> Set<String> {
        var aspects: Set<String> = []
        for judge in configuration.judges where judge.weight > 0 {
            guard case .llm(let llm) = judge.kind, llm.mode != .pairwise else { continue }
            aspects.formUnion(llm.rubrics)
        }
        return aspects
    }

    func weight(_ judge: String) -> Double { judgeWeights[judge] ?? 1 }

    func scale(_ aspect: String) -> RatingScale { scales[aspect] ?? .oneToFive }

    /// The completions with annotations, critique, scores, fine-grained and overall scores
    /// (re)computed from their votes. Scorer measurements already in `scores` are kept.
    package func aggregate(_ completions: [RatedCompletion]) -> [RatedCompletion] {
        let pairwiseJudges = Set(completions.flatMap { $0.votes.filter { $0.opponent != nil }.map(\.judge) })
        return completions.map { original in
            var completion = original
            completion.annotations = [:]
            completion.critique = ""
            completion.overallScore = nil
            completion.flags.removeAll { $0.hasPrefix(Self.requiredFailedFlag) || $0.hasPrefix(Self.incompleteFlag) }
            var critiqueScore: Double?
            var read: Set<String> = []
            let rated = completion.votes.filter { $0.opponent == nil && $0.parse != .skipped }
            for aspect in Set(rated.map(\.aspect)).sorted() {
                let votes = rated.filter { $0.aspect == aspect }
                guard let (annotation, value) = annotate(aspect: aspect, votes: votes) else { continue }
                if value != nil || annotation.rating == "N/A" { read.insert(aspect) }
                if critiqueAspects.contains(aspect) {
                    completion.critique = annotation.rationale
                    critiqueScore = critiqueScore ?? value
                } else {
                    completion.annotations[aspect] = annotation
                }
            }
            completion.fineGrainedScore = fineGrained(completion.annotations)
            for judge in pairwiseJudges.sorted() {
                completion.scores[judge] = winRate(completion, judges: [judge], weighted: false)
            }
            switch configuration.overall {
            case .fineGrainedMean: completion.overallScore = completion.fineGrainedScore
            case .critique: completion.overallScore = critiqueScore
            case .winRate: completion.overallScore = winRate(completion, judges: pairwiseJudges, weighted: true)
            }
            for aspect in configuration.require {
                guard let score = completion.annotations[aspect]?.score else { continue }
                let threshold = configuration.aspects[aspect]?.passThreshold ?? Double(scale(aspect).max)
                if score < threshold {
                    completion.flags.append(Self.requiredFailedFlag + aspect)
                    completion.overallScore = configuration.overall == .winRate ? 0 : 1
                }
            }
            let missing = ratedAspects.subtracting(read).sorted()
            if !missing.isEmpty {
                // No score from part of the ratings, not even a required aspect's floor: the
                // answer is unrated for pairing (`--missing skip|drop-prompt`), and the
                // readable annotations stay for audit.
                completion.flags += missing.map { Self.incompleteFlag + $0 }
                completion.fineGrainedScore = nil
                completion.overallScore = nil
            }
            return completion
        }
    }

    /// The flag set on a completion whose required aspect failed (followed by the aspect).
    package static let requiredFailedFlag = "required_failed:"

    /// The flag set on a completion with no reading (neither a rating nor N/A) for an aspect in
    /// `ratedAspects` (followed by the aspect): its fine-grained and overall scores are left out.
    package static let incompleteFlag = "incomplete:"

    /// One aspect's annotation and its numeric value (nil for N/A and unreadable), or nil when
    /// no counted judge voted on it.
    func annotate(aspect: String, votes: [JudgeVote]) -> (AspectAnnotation, Double?)? {
        struct JudgeView {
            var judge: String
            var value: Double?
            var notApplicable: Bool
            var rationale: String
            var types: [String]?
        }
        var views: [JudgeView] = []
        var failures: [String] = []
        for judge in orderedJudges(votes) where weight(judge) > 0 {
            let mine = votes.filter { $0.judge == judge }
            let measurementOnly = mine.allSatisfy { $0.isRead && $0.rating == nil && !$0.notApplicable }
            if measurementOnly { continue }
            guard let reading = Self.reading(mine) else {
                failures.append("\(judge): \(mine.first { !$0.isRead }?.detail ?? mine.first?.detail ?? "unreadable")")
                continue
            }
            let first = mine.first { $0.isRead && ($0.rating != nil || $0.notApplicable) }
            views.append(JudgeView(
                judge: judge, value: reading.value, notApplicable: reading.value == nil,
                rationale: first?.rationale.flatMap { $0.isEmpty ? nil : $0 } ?? first?.detail ?? "",
                types: first?.types))
        }
        let counted = views.filter { $0.value != nil }
        let typed = votes.contains { $0.types != nil }
        func rationale(_ from: [JudgeView]) -> String {
            from.count == 1 ? from[0].rationale : from.map { "\($0.judge): \($0.rationale)" }.joined(separator: "\n")
        }
        func types(_ from: [JudgeView]) -> [String]? {
            guard typed else { return nil }
            var union: [String] = []
            for view in from { for code in view.types ?? [] where !union.contains(code) { union.append(code) } }
            return union
        }
        if !counted.isEmpty {
            let method = configuration.method(for: aspect)
            guard let value = method.combine(
                counted.map { ($0.value!, weight($0.judge)) }, scale: scale(aspect),
                passThreshold: configuration.aspects[aspect]?.passThreshold)
            else { return nil }
            let rounded = (value * 10_000).rounded() / 10_000
            return (AspectAnnotation(rating: RatingValue.score(rounded).description, rationale: rationale(counted), types: types(counted)), value)
        }
        if !views.isEmpty {
            return (AspectAnnotation(rating: "N/A", rationale: rationale(views), types: types(views)), nil)
        }
        if !failures.isEmpty {
            return (AspectAnnotation(rating: "", rationale: "no readable rating (" + failures.joined(separator: "; ") + ")", types: typed ? [] : nil), nil)
        }
        return nil
    }

    /// One judge's reading of one aspect from its votes.
    enum JudgeReading: Equatable {
        case rating(Double)
        case notApplicable

        var value: Double? {
            if case .rating(let value) = self { value } else { nil }
        }
    }

    /// A judge's reading from its votes on one completion and aspect: the mean of its numeric
    /// samples (N/A and failed samples left out), or N/A when every read sample said N/A; nil
    /// when nothing was read.
    ///
    /// With several orders (`shuffles`), each order is read so and the judge's rating is the
    /// mean of the orders' means (orders that said N/A left out). An order with no reading makes
    /// the whole reading nil: the orders together cancel a position preference, and a mean over
    /// some of them would bring it back, so the completion is incomplete, as with any failed call.
    static func reading(_ votes: [JudgeVote]) -> JudgeReading? {
        var means: [Double] = []
        for shuffle in Set(votes.map { $0.shuffle ?? 0 }).sorted() {
            let order = votes.filter { ($0.shuffle ?? 0) == shuffle }
            let numbers = order.filter(\.isRead).compactMap(\.rating)
            if !numbers.isEmpty {
                means.append(numbers.reduce(0, +) / Double(numbers.count))
            } else if !order.contains(where: { $0.isRead && $0.notApplicable }) {
                return nil
            }
        }
        return means.isEmpty ? .notApplicable : .rating(means.reduce(0, +) / Double(means.count))
    }

    /// The `aspect_weights`-weighted mean of the rated aspects; without weights, every rated
    /// aspect counts once. N/A, unreadable and absent aspects are skipped.
    func fineGrained(_ annotations: [String: AspectAnnotation]) -> Double? {
        var total = 0.0
        var weights = 0.0
        for (aspect, annotation) in annotations.sorted(by: { $0.key < $1.key }) {
            guard let score = annotation.score else { continue }
            let weight = configuration.aspectWeights.map { $0[aspect] ?? 0 } ?? 1
            guard weight > 0 else { continue }
            total += weight * score
            weights += weight
        }
        return weights > 0 ? total / weights : nil
    }

    /// The share of its comparisons a completion won (ties count half): per opponent, the
    /// verdicts of both orders (and of every listed judge) combined by the ensemble's method.
    func winRate(_ completion: RatedCompletion, judges: Set<String>, weighted: Bool) -> Double? {
        var byOpponent: [Int: [(value: Double, weight: Double)]] = [:]
        for vote in completion.votes where judges.contains(vote.judge) && vote.isRead {
            guard let opponent = vote.opponent, let outcome = vote.rating else { continue }
            byOpponent[opponent, default: []].append((outcome, weighted ? weight(vote.judge) : 1))
        }
        let outcomes = byOpponent.keys.sorted().compactMap { configuration.method.combineOutcomes(byOpponent[$0]!) }
        return outcomes.isEmpty ? nil : outcomes.reduce(0, +) / Double(outcomes.count)
    }

    private func orderedJudges(_ votes: [JudgeVote]) -> [String] {
        var seen: [String] = []
        for vote in votes where !seen.contains(vote.judge) { seen.append(vote.judge) }
        return seen
    }
}
