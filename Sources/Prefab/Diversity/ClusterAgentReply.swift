import Foundation

/// The shapes of the cluster agent's JSON answers, and the checks an answer must pass before it
/// counts. A check that fails says why, so the discard counts can be broken down.
enum ClusterAgentReply {
    struct Named: Decodable, Sendable {
        let name: String
        let description: String
    }

    struct CriteriaProposal: Decodable, Sendable {
        let attributes: [Named]
        let metrics: [Named]
    }

    struct MergedCriteria: Decodable, Sendable {
        let criteria: [ClusterAgentCriterion]
    }

    struct AttributeValue: Decodable, Sendable {
        let name: String
        let value: String
    }

    struct MetricScore: Decodable, Sendable {
        let name: String
        let score: Int
    }

    struct Cluster: Decodable, Sendable {
        let indices: [Int]
        let reasoning: String
        let attributes: [AttributeValue]?
        let scores: [MetricScore]?
    }

    struct Clusters: Decodable, Sendable {
        let clusters: [Cluster]
    }

    struct Verdict: Decodable, Sendable {
        let cluster: Int
        let valid: Bool
        let reason: String?
    }

    struct Verdicts: Decodable, Sendable {
        let verdicts: [Verdict]
    }

    /// Why an answer was not usable.
    enum Problem: String, Error, Sendable, Codable, CaseIterable {
        /// Not JSON, or JSON of the wrong shape.
        case malformedJSON = "malformed_json"
        /// The model stopped at its token limit, so the JSON was cut off.
        case truncated
        /// The proposal or the merge named no criteria.
        case noCriteria = "no_criteria"
        /// Some text number 1…K is in no cluster.
        case missingIndex = "missing_index"
        /// Some text number is in more than one cluster (or twice in one).
        case duplicateIndex = "duplicate_index"
        /// A number outside 1…K, or an empty cluster.
        case invalidIndex = "invalid_index"
        /// The verdicts do not cover every cluster exactly once.
        case incompleteVerdicts = "incomplete_verdicts"
        /// Verification found every cluster invalid, leaving nothing to score.
        case allClustersInvalid = "all_clusters_invalid"
    }

    /// Decodes JSON, tolerating a Markdown code fence or prose around one top-level object.
    static func decode<Reply: Decodable>(_ type: Reply.Type, from text: String) throws(Problem) -> Reply {
        let decoder = JSONDecoder()
        if let reply = try? decoder.decode(Reply.self, from: Data(text.utf8)) { return reply }
        guard let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close,
              let reply = try? decoder.decode(Reply.self, from: Data(text[open...close].utf8))
        else { throw .malformedJSON }
        return reply
    }

    static func proposal(_ text: String) throws(Problem) -> CriteriaProposal {
        let proposal = try decode(CriteriaProposal.self, from: text)
        let named = (proposal.attributes + proposal.metrics).filter { !$0.name.trimmed.isEmpty }
        guard !named.isEmpty else { throw .noCriteria }
        return proposal
    }

    static func merged(_ text: String, maximum: Int) throws(Problem) -> [ClusterAgentCriterion] {
        let criteria = try decode(MergedCriteria.self, from: text).criteria
            .filter { !$0.name.trimmed.isEmpty }
        guard !criteria.isEmpty else { throw .noCriteria }
        return Array(criteria.prefix(maximum))
    }

    /// Clusters whose indices cover 1…k exactly once.
    static func clusters(_ text: String, k: Int) throws(Problem) -> [Cluster] {
        let clusters = try decode(Clusters.self, from: text).clusters
        var seen = [Bool](repeating: false, count: k + 1)
        for cluster in clusters {
            guard !cluster.indices.isEmpty else { throw .invalidIndex }
            for index in cluster.indices {
                guard (1...k).contains(index) else { throw .invalidIndex }
                guard !seen[index] else { throw .duplicateIndex }
                seen[index] = true
            }
        }
        guard seen.dropFirst().allSatisfy({ $0 }) else { throw .missingIndex }
        return clusters
    }

    /// Which of `count` clusters the verifier judged valid; every cluster number must get
    /// exactly one verdict.
    static func validity(_ text: String, count: Int) throws(Problem) -> [Bool] {
        let verdicts = try decode(Verdicts.self, from: text).verdicts
        var validity = [Bool?](repeating: nil, count: count + 1)
        for verdict in verdicts {
            guard (1...count).contains(verdict.cluster), validity[verdict.cluster] == nil else {
                throw .incompleteVerdicts
            }
            validity[verdict.cluster] = verdict.valid
        }
        let result = validity.dropFirst().compactMap { $0 }
        guard result.count == count else { throw .incompleteVerdicts }
        return result
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
