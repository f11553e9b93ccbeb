/// Measures ensembles and their judges on gold preference pairs: each pair becomes a prompt
/// with two completions (in a seeded order, so a judge that favours a position gains nothing),
/// the ensemble rates it, and each row counts how often the chosen answer scored higher.
package struct JudgeEvaluator: Sendable {
    package var seed: UInt64
    /// Gold pairs rated at the same time.
    package var window: Int

    package init(seed: UInt64 = 0, window: Int = 8) {
        self.seed = seed
        self.window = max(1, window)
    }

    /// The judge input for a gold pair, and whether the chosen answer is shown first.
    package func input(for pair: GoldPair) -> (SampleRecord, chosenFirst: Bool) {
        var generator = SeededGenerator(seed: seed, pair.id, "eval-judges order")
        let chosenFirst = generator.nextUnit() < 0.5
        let shown = chosenFirst ? [("chosen", pair.chosen), ("rejected", pair.rejected)] : [("rejected", pair.rejected), ("chosen", pair.chosen)]
        let completions = shown.enumerated().map { index, answer in
            SampleCompletion(model: answer.0, response: answer.1, sampleIndex: index, flags: [])
        }
        return (
            SampleRecord(
                promptID: pair.id, source: pair.kind ?? "gold", messages: [.user(pair.prompt)], reference: pair.reference,
                completions: completions),
            chosenFirst
        )
    }

    /// Rates every pair with `ensemble`; a pair whose calls fail counts as failed for every row.
    /// The first row is the ensemble's; its `cost` is left for the caller, who knows the ledger.
    ///
    /// Throws the `EndpointError` of an endpoint that will refuse every call (a refused key, an
    /// unknown model): asking pair after pair would only fail them all the same way.
    package func evaluate(_ pairs: [GoldPair], with ensemble: JudgeEnsemble) async throws -> [JudgeEvaluationRow] {
        try await evaluate(pairs, with: ensemble, monitor: nil)
    }

    /// `evaluate`, counting the pairs into `monitor` as they are rated (`done`, `failed`, in
    /// flight). The caller sets its total, which for several ensembles is every ensemble's pairs.
    package func evaluate(_ pairs: [GoldPair], with ensemble: JudgeEnsemble, monitor: RunMonitor?) async throws -> [JudgeEvaluationRow] {
        var results: [(GoldPair, RatedRecord?, Bool)] = []
        // A pair whose calls fail is rated nil; only an endpoint refusing every call ends it all.
        try await OrderedWindow<(Result<RatedRecord, any Error>, Bool)>(inFlight: window).run(
            admit: { index throws in
                guard index < pairs.count else { return .end }
                let (input, chosenFirst) = self.input(for: pairs[index])
                return .run {
                    do {
                        return (.success(try await ensemble.rate(input)), chosenFirst)
                    } catch {
                        return (.failure(error), chosenFirst)
                    }
                }
            },
            emit: { index, rated throws in
                if case .failure(let error as EndpointError) = rated.0, error.isFatal { throw error }
                let record = try? rated.0.get()
                results.append((pairs[index], record, rated.1))
                monitor?.update { counts in
                    switch rated.0 {
                    case .success:
                        counts.done += 1
                    case .failure(let error):
                        counts.failed += 1
                        let kind = (error as? JudgeError)?.failureKind ?? .judge
                        counts.failuresByKind[kind.rawValue, default: 0] += 1
                    }
                }
            },
            running: { running in monitor?.update { $0.inFlight = running } })
        return rows(results, ensemble: ensemble)
    }

    /// A decision on one pair.
    enum Decision: Equatable {
        case chosen, rejected, tie, failed
    }

    static func decide(chosen: Double?, rejected: Double?) -> Decision {
        guard let chosen, let rejected else { return .failed }
        if chosen > rejected { return .chosen }
        if chosen < rejected { return .rejected }
        return .tie
    }

    func rows(_ results: [(GoldPair, RatedRecord?, Bool)], ensemble: JudgeEnsemble) -> [JudgeEvaluationRow] {
        let name = ensemble.configuration.name
        var accumulator = ReliabilityAccumulator()
        var ensembleRow = JudgeEvaluationRow(ensemble: name, judge: nil, pairs: results.count)
        var judgeRows: [String: JudgeEvaluationRow] = [:]
        var agreements: [String: Int] = [:]
        var voting: Set<String> = []
        for (_, record, chosenFirst) in results {
            guard let record else {
                ensembleRow.failed += 1
                for judge in ensemble.judgeNames { judgeRows[judge, default: JudgeEvaluationRow(ensemble: name, judge: judge, pairs: results.count)].failed += 1 }
                continue
            }
            accumulator.add(record)
            let (chosen, rejected) = chosenFirst ? (record.completions[0], record.completions[1]) : (record.completions[1], record.completions[0])
            let decision = Self.decide(chosen: chosen.overallScore ?? chosen.fineGrainedScore, rejected: rejected.overallScore ?? rejected.fineGrainedScore)
            Self.count(decision, in: &ensembleRow)
            for judge in ensemble.judgeNames {
                let scores = (judgeScore(judge, chosen, ensemble: ensemble), judgeScore(judge, rejected, ensemble: ensemble))
                if scores.0.voted || scores.1.voted { voting.insert(judge) }
                let judged = Self.decide(chosen: scores.0.score, rejected: scores.1.score)
                Self.count(judged, in: &judgeRows[judge, default: JudgeEvaluationRow(ensemble: name, judge: judge, pairs: results.count)])
                if judged == decision, decision != .failed { agreements[judge, default: 0] += 1 }
            }
        }
        let figures = accumulator.figures
        ensembleRow.agreement = figures.krippendorffAlpha
        Self.fill(&ensembleRow, with: figures.total)
        var rows = [ensembleRow]
        for judge in ensemble.judgeNames where voting.contains(judge) {
            var row = judgeRows[judge]!
            let decided = results.count - ensembleRow.failed
            row.agreement = decided > 0 ? Double(agreements[judge] ?? 0) / Double(decided) : nil
            Self.fill(&row, with: figures.judges[judge] ?? JudgeFigures())
            rows.append(row)
        }
        return rows
    }

    /// A judge's own score for a completion: its win rate (pairwise), else the mean of its
    /// ratings across aspects, each put on 0–1 by its scale so a 1–10 critique and a 1–5
    /// aspect weigh the same. `voted` is false for judges that only measure.
    func judgeScore(_ judge: String, _ completion: RatedCompletion, ensemble: JudgeEnsemble) -> (score: Double?, voted: Bool) {
        let votes = completion.votes.filter { $0.judge == judge && $0.parse != .skipped }
        if votes.contains(where: { $0.opponent != nil }) { return (completion.scores[judge], true) }
        let rated = votes.filter { $0.rating != nil || $0.parse == .failed || $0.notApplicable }
        guard !rated.isEmpty else { return (nil, false) }
        var byAspect: [String: [Double]] = [:]
        for vote in rated where vote.isRead {
            guard let rating = vote.rating else { continue }
            let scale = ensemble.aggregator.scale(vote.aspect)
            byAspect[vote.aspect, default: []].append((rating - Double(scale.min)) / Double(scale.max - scale.min))
        }
        let means = byAspect.values.map { $0.reduce(0, +) / Double($0.count) }
        return (means.isEmpty ? nil : means.reduce(0, +) / Double(means.count), true)
    }

    static func count(_ decision: Decision, in row: inout JudgeEvaluationRow) {
        switch decision {
        case .chosen: row.correct += 1
        case .rejected: row.wrong += 1
        case .tie: row.ties += 1
        case .failed: row.failed += 1
        }
    }

    static func fill(_ row: inout JudgeEvaluationRow, with figures: JudgeFigures) {
        row.prefersFirst = figures.prefersFirst
        row.positionConsistency = figures.positionConsistency
        row.prefersLonger = figures.prefersLonger
        row.parseFailureRate = figures.parseFailureRate
        row.calls = figures.calls
        row.cachedCalls = figures.cachedCalls
        row.tokens = figures.totalTokens
    }
}
