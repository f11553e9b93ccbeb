/// The LLM cluster-agent diversity metric of Chen et al. (arXiv 2410.15226), "On the Diversity
/// of Synthetic Data and its Impact on Training Large Language Models".
///
/// Per seed:
/// 1. Criteria. M rounds each show the model J random documents and ask for 3–5 descriptive
///    attributes and 3–5 scored metrics; one more call merges all proposals into at most
///    `maximumCriteria` criteria, each summarized in one sentence.
/// 2. Clustering. N rounds each show K random documents, numbered, with the criteria, and ask
///    for clusters (indices, reasoning, attribute values, metric scores). An answer in which a
///    number 1…K is missing, repeated or out of range is retried with a new seed, at most
///    `maximumRetries` times; then the round is discarded and counted. A second call checks
///    every cluster, and clusters it judges invalid are removed; a round whose verification
///    never gives one verdict per cluster, or whose clusters are all invalid, is discarded.
/// 3. Score. Round i contributes Cᵢ/Sᵢ (clusters kept, over their mean size); the seed's D is
///    the mean over its scored rounds. The result has the mean and spread over seeds.
///
/// Deterministic: which documents a round shows and the seed of every call derive only from
/// (seed, step, round, attempt), never from timing, so rounds run concurrently yet a
/// deterministic model gives the same score every run.
public struct ClusterAgent: Sendable {
    public let chat: any StructuredChat
    public let configuration: ClusterAgentConfiguration
    /// Counts rounds as they finish (unit "rounds": every seed's proposal rounds, its merge and
    /// its clustering rounds), with unusable answers by kind, so a slow model's progress shows.
    package var monitor: RunMonitor?

    public init(chat: any StructuredChat, configuration: ClusterAgentConfiguration = ClusterAgentConfiguration()) {
        self.chat = chat
        self.configuration = configuration
    }

    /// Rounds `measure` runs: per seed, the proposal rounds, the merge and the clustering rounds.
    package var roundCount: Int {
        configuration.seeds.count * (configuration.criteriaRounds + 1 + configuration.clusteringRounds)
    }

    public func measure(_ documents: [String]) async throws -> ClusterAgentResult {
        try configuration.validate(documentCount: documents.count)
        monitor?.update {
            $0.unit = "rounds"
            $0.total = roundCount
            $0.done = 0
            $0.failed = 0
        }
        let limit = configuration.maximumCharactersPerSample
        let shown = documents.map { $0.count > limit ? String($0.prefix(limit)) + "…" : $0 }
        var seeds: [ClusterAgentSeedResult] = []
        for seed in configuration.seeds {
            seeds.append(try await measure(shown, seed: seed))
        }
        return ClusterAgentResult(configuration: configuration, seeds: seeds)
    }

    // MARK: One seed

    private enum Step: UInt64 {
        case propose = 1, merge, cluster, verify
    }

    /// The outcome of one round, in a form that can be summed.
    private struct Tally: Sendable {
        var score: Double?
        var retries = 0
        var clustersRemoved = 0
        var failures: [String: Int] = [:]
        var lastProblem: ClusterAgentReply.Problem?

        mutating func record(_ problem: ClusterAgentReply.Problem) {
            failures[problem.rawValue, default: 0] += 1
            lastProblem = problem
        }

        mutating func add(_ other: Tally) {
            retries += other.retries
            clustersRemoved += other.clustersRemoved
            failures.merge(other.failures, uniquingKeysWith: +)
        }
    }

    private func measure(_ documents: [String], seed: UInt64) async throws -> ClusterAgentSeedResult {
        let config = configuration
        var total = Tally()

        // Step 1a: proposals, each from J random documents.
        let proposals = try await concurrentMap(count: config.criteriaRounds) {
            round -> (ClusterAgentReply.CriteriaProposal?, Tally) in
            var random = DiversityRandomSource(seed: seed, stream: Step.propose.rawValue, UInt64(round))
            let samples = random.sample(config.criteriaSamplesPerRound, from: documents.count).map { documents[$0] }
            var tally = Tally()
            let proposal = try await usableAnswer(&tally) { attempt in
                ClusterAgentPrompts.proposeCriteria(samples: samples, seed: Self.callSeed(seed, .propose, round, attempt))
            } parse: { answer throws(ClusterAgentReply.Problem) in
                try ClusterAgentReply.proposal(answer)
            }
            report(tally, usable: proposal != nil)
            return (proposal, tally)
        }
        for (_, tally) in proposals { total.add(tally) }
        let usable = proposals.compactMap(\.0)
        guard !usable.isEmpty else {
            throw DiversityError.criteriaFailed(seed: seed, reason: "all \(config.criteriaRounds) proposal rounds gave unusable answers")
        }

        // Step 1b: one call merges the proposals.
        var mergeTally = Tally()
        let merged = try await usableAnswer(&mergeTally) { attempt in
            ClusterAgentPrompts.mergeCriteria(
                proposals: usable, maximum: config.maximumCriteria, seed: Self.callSeed(seed, .merge, 0, attempt))
        } parse: { answer throws(ClusterAgentReply.Problem) in
            try ClusterAgentReply.merged(answer, maximum: config.maximumCriteria)
        }
        total.add(mergeTally)
        report(mergeTally, usable: merged != nil)
        guard let criteria = merged else {
            let reason = mergeTally.lastProblem?.rawValue ?? "no answer"
            throw DiversityError.criteriaFailed(seed: seed, reason: "merging the proposals failed: \(reason)")
        }

        // Steps 2 and 3: clustering rounds.
        let rounds = try await concurrentMap(count: config.clusteringRounds) { round in
            let tally = try await clusteringRound(round, documents: documents, criteria: criteria, seed: seed)
            report(tally, usable: tally.score != nil)
            return tally
        }
        var roundScores: [Double] = []
        for tally in rounds {
            total.add(tally)
            if let score = tally.score { roundScores.append(score) }
        }
        return ClusterAgentSeedResult(
            seed: seed,
            score: roundScores.isEmpty ? nil : roundScores.reduce(0, +) / Double(roundScores.count),
            criteria: criteria,
            roundScores: roundScores,
            roundsScored: roundScores.count,
            roundsDiscarded: config.clusteringRounds - roundScores.count,
            proposalsDiscarded: config.criteriaRounds - usable.count,
            retries: total.retries,
            clustersRemoved: total.clustersRemoved,
            failures: total.failures)
    }

    /// Counts a finished round in the monitor: done, or failed (discarded), with every unusable
    /// answer it met by kind (those retried into a usable one included).
    private func report(_ tally: Tally, usable: Bool) {
        monitor?.update { counts in
            if usable { counts.done += 1 } else { counts.failed += 1 }
            counts.failuresByKind.merge(tally.failures, uniquingKeysWith: +)
        }
    }

    private func clusteringRound(
        _ round: Int, documents: [String], criteria: [ClusterAgentCriterion], seed: UInt64
    ) async throws -> Tally {
        let config = configuration
        var random = DiversityRandomSource(seed: seed, stream: Step.cluster.rawValue, UInt64(round))
        let samples = random.sample(config.samplesPerRound, from: documents.count).map { documents[$0] }
        let k = samples.count
        var tally = Tally()

        let proposed = try await usableAnswer(&tally) { attempt in
            ClusterAgentPrompts.cluster(samples: samples, criteria: criteria, seed: Self.callSeed(seed, .cluster, round, attempt))
        } parse: { answer throws(ClusterAgentReply.Problem) in
            try ClusterAgentReply.clusters(answer, k: k)
        }
        guard let clusters = proposed else { return tally }

        let verdicts = try await usableAnswer(&tally) { attempt in
            ClusterAgentPrompts.verify(
                samples: samples, criteria: criteria, clusters: clusters,
                seed: Self.callSeed(seed, .verify, round, attempt))
        } parse: { answer throws(ClusterAgentReply.Problem) in
            try ClusterAgentReply.validity(answer, count: clusters.count)
        }
        guard let validity = verdicts else { return tally }

        let kept = zip(clusters, validity).filter(\.1).map(\.0)
        tally.clustersRemoved = clusters.count - kept.count
        guard !kept.isEmpty else {
            tally.record(.allClustersInvalid)
            return tally
        }
        tally.score = Self.roundScore(clusterSizes: kept.map(\.indices.count))
        return tally
    }

    /// Asks until an answer parses, at most 1 + `maximumRetries` times, each attempt with its own
    /// request (its own seed). Unusable answers are recorded in `tally`; nil when none was usable.
    /// Errors from the model client itself propagate.
    private func usableAnswer<Value>(
        _ tally: inout Tally,
        request: (Int) -> StructuredChatRequest,
        parse: (String) throws(ClusterAgentReply.Problem) -> Value
    ) async throws -> Value? {
        for attempt in 0...configuration.maximumRetries {
            if attempt > 0 { tally.retries += 1 }
            let answer: String
            do {
                answer = try await chat.respond(to: request(attempt))
            } catch StructuredChatError.truncated {
                tally.record(.truncated)
                continue
            }
            do throws(ClusterAgentReply.Problem) {
                return try parse(answer)
            } catch {
                tally.record(error)
            }
        }
        return nil
    }

    /// Cᵢ/Sᵢ for one round: the number of clusters over their mean size (= C²/Σ sizes).
    public static func roundScore(clusterSizes: [Int]) -> Double {
        let count = Double(clusterSizes.count)
        let meanSize = Double(clusterSizes.reduce(0, +)) / count
        return count / meanSize
    }

    /// The seed sent with a call: a function of (seed, step, round, attempt) only, in 0..<2³¹ so
    /// every server accepts it.
    private static func callSeed(_ seed: UInt64, _ step: Step, _ round: Int, _ attempt: Int) -> Int {
        var random = DiversityRandomSource(seed: seed, stream: step.rawValue, UInt64(round), UInt64(attempt))
        return Int(random.next() >> 33)
    }

    /// Runs `body` for 0..<count with at most `configuration.concurrency` at once, results in
    /// index order.
    private func concurrentMap<T: Sendable>(
        count: Int, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        var results = [T?](repeating: nil, count: count)
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var next = 0
            for _ in 0..<min(configuration.concurrency, count) {
                let index = next
                group.addTask { (index, try await body(index)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < count {
                    let index = next
                    group.addTask { (index, try await body(index)) }
                    next += 1
                }
            }
        }
        return results.map { $0! }
    }
}
