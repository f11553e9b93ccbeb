/// The knobs of the LLM cluster-agent metric (Chen et al., arXiv 2410.15226). The paper used
/// M = 100 criteria rounds and N = 5,000 clustering rounds; the defaults here are small, for a
/// quick look that costs about a hundred calls. Scores are comparable only at the same K.
public struct ClusterAgentConfiguration: Sendable, Codable, Equatable {
    /// K: documents shown in each clustering round.
    public var samplesPerRound: Int = 10
    /// J: documents shown in each criteria round.
    public var criteriaSamplesPerRound: Int = 5
    /// M: criteria-proposal rounds per seed.
    public var criteriaRounds: Int = 3
    /// N: clustering rounds per seed.
    public var clusteringRounds: Int = 10
    /// Most consolidated criteria the merge may keep.
    public var maximumCriteria: Int = 5
    /// Extra attempts for a call whose answer is unusable (bad JSON, an index missing or twice);
    /// after them the round is discarded and counted.
    public var maximumRetries: Int = 2
    /// Each seed reruns the whole procedure on different random samples; the report gives the
    /// mean and the spread over seeds.
    public var seeds: [UInt64] = [0, 1, 2]
    /// Documents longer than this many characters are cut (with "…") before they are shown.
    public var maximumCharactersPerSample: Int = 1500
    /// Calls in flight at once.
    public var concurrency: Int = 8

    public init() {}

    func validate(documentCount: Int) throws(DiversityError) {
        guard samplesPerRound >= 2 else { throw .invalidConfiguration("K (samples per round) must be at least 2") }
        guard criteriaSamplesPerRound >= 1 else { throw .invalidConfiguration("J (criteria samples per round) must be at least 1") }
        guard criteriaRounds >= 1, clusteringRounds >= 1 else {
            throw .invalidConfiguration("M and N (criteria and clustering rounds) must be at least 1")
        }
        guard maximumCriteria >= 1, maximumRetries >= 0, concurrency >= 1, maximumCharactersPerSample >= 1 else {
            throw .invalidConfiguration("maximum criteria, concurrency and characters per sample must be positive, retries not negative")
        }
        guard !seeds.isEmpty else { throw .invalidConfiguration("give at least one seed") }
        guard documentCount >= samplesPerRound else {
            throw .tooFewDocuments(needed: samplesPerRound, available: documentCount)
        }
    }
}
