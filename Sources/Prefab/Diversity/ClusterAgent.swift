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

    public init(chat: any StructuredChat, configuration: ClusterAgentConfiguration = ClusterAgentConfiguration()) {
        self.chat = chat
        self.configuration = configuration
    }

    public func measure(_ documents: [String]) async throws -> ClusterAgentResult {
        try configuration.validate(documentCount: documents.count)
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

        mutating func record(_ problem: ClusterAgentReply.Problem) {
            failures[problem.rawValue, default: 0] += 1
        }
    }

    private func measure(_ documents: [String], seed: UInt64) async throws -> ClusterAgentSeedResult {
        let config = configuration
        var failures: [String: Int] = [:]
        var retries = 0

        // Step 1a: proposals.
        let proposals = try await concurrentMap(count: config.criteriaRounds) {
            round -> (ClusterAgentReply.CriteriaProposal?, Tally) in
            var random = DiversityRandomSource(seed: seed, stream: Step.propose.rawValue, UInt64(round))
            let samples = random.sample(config.criteriaSamplesPerRound, from: documents.count).map { documents[$0] }
            var tally = Tally()
            for attempt in 0...config.maximumRetries {
                if attempt > 0 { tally.retries += 1 }
                let request = ClusterAgentPrompts.proposeCriteria(
                    samples: samples, seed: Self.callSeed(seed, .propose, round, attempt))
                let answer = try await chat.respond(to: request)
                do throws(ClusterAgentReply.Problem) {
                    return (try ClusterAgentReply.proposal(answer), tally)
                } catch {
                    tally.record(error)
                }
            }
            return (nil, tally)
        }
        for (_, tally) in proposals {
            retries += tally.retries
            failures.merge(tally.failures, uniquingKeysWith: +)
        }
        let usable = proposals.compactMap(\.0)
        guard !usable.isEmpty else {
            throw DiversityError.criteriaFailed(seed: seed, reason: "all \(config.criteriaRounds) proposal rounds gave unusable answers")
        }

        // Step 1b: merge.
        var criteria: [ClusterAgentCriterion]?
        var lastProblem = ClusterAgentReply.Problem.malformedJSON
        for attempt in 0...config.maximumRetries where criteria == nil {
            if attempt > 0 { retries += 1 }
            let request = ClusterAgentPrompts.mergeCriteria(
                proposals: usable, maximum: config.maximumCriteria, seed: Self.callSeed(seed, .merge, 0, attempt))
            let answer = try await chat.respond(to: request)
            do throws(ClusterAgentReply.Problem) {
                criteria = try ClusterAgentReply.merged(answer, maximum: config.maximumCriteria)
            } catch {
                failures[error.rawValue, default: 0] += 1
                lastProblem = error
            }
        }
        guard let criteria else {
            throw DiversityError.criteriaFailed(seed: seed, reason: "merging the proposals failed: \(lastProblem.rawValue)")
        }

        // Steps 2 and 3: clustering rounds.
        let rounds = try await concurrentMap(count: config.clusteringRounds) { round in
            try await clusteringRound(round, documents: documents, criteria: criteria, seed: seed)
        }
        var roundScores: [Double] = []
        var clustersRemoved = 0
        for tally in rounds {
            retries += tally.retries
            clustersRemoved += tally.clustersRemoved
            failures.merge(tally.failures, uniquingKeysWith: +)
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
            retries: retries,
            clustersRemoved: clustersRemoved,
            failures: failures)
    }

    private func clusteringRound(
        _ round: Int, documents: [String], criteria: [ClusterAgentCriterion], seed: UInt64
    ) async throws -> Tally {
        let config = configuration
        var random = DiversityRandomSource(seed: seed, stream: Step.cluster.rawValue, UInt64(round))
        let samples = random.sample(config.samplesPerRound, from: documents.count).map { documents[$0] }
        var tally = Tally()

        var clusters: [ClusterAgentReply.Cluster]?
        for attempt in 0...config.maximumRetries where clusters == nil {
            if attempt > 0 { tally.retries += 1 }
            let request = ClusterAgentPrompts.cluster(
                samples: samples, criteria: criteria, seed: Self.callSeed(seed, .cluster, round, attempt))
            let answer = try await chat.respond(to: request)
            do throws(ClusterAgentReply.Problem) {
                clusters = try ClusterAgentReply.clusters(answer, k: samples.count)
            } catch {
                tally.record(error)
            }
        }
        guard let clusters else { return tally }

        var validity: [Bool]?
        for attempt in 0...config.maximumRetries where validity == nil {
            if attempt > 0 { tally.retries += 1 }
            let request = ClusterAgentPrompts.verify(
                samples: samples, criteria: criteria, clusters: clusters,
                seed: Self.callSeed(seed, .verify, round, attempt))
            let answer = try await chat.respond(to: request)
            do throws(ClusterAgentReply.Problem) {
                validity = try ClusterAgentReply.validity(answer, count: clusters.count)
            } catch {
                tally.record(error)
            }
        }
        guard let validity else { return tally }

        let kept = zip(clusters, validity).filter(\.1).map(\.0)
        tally.clustersRemoved = clusters.count - kept.count
        guard !kept.isEmpty else {
            tally.record(.allClustersInvalid)
            return tally
        }
        tally.score = Self.roundScore(clusterSizes: kept.map(\.indices.count))
        return tally
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
