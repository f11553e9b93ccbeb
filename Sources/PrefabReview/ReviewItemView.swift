import Prefab

/// Everything the item page shows about one prompt: the conversation, the completions with
/// their scores, every vote with its rationale by aspect, the pair as it stands now, and the
/// reviewers' labels.
public struct ReviewItemView: Codable, Sendable {
    public struct Completion: Codable, Sendable {
        public var index: Int
        /// `A`, `B`, …: what the verdict buttons and `review.sqlite` call it.
        public var letter: String
        public var model: String
        public var response: String
        public var flags: [String]
        public var fineGrained: Double?
        public var overall: Double?
        /// Aspect → the ensemble's rating.
        public var ratings: [String: String]
        /// Number-giving judges (reward models, scorers) by name.
        public var scores: [String: Double]

        enum CodingKeys: String, CodingKey {
            case index, letter, model, response, flags, overall, ratings, scores
            case fineGrained = "fine_grained"
        }
    }

    public struct Vote: Codable, Sendable {
        public var judge: String
        public var completion: Int
        public var rating: Double?
        public var rationale: String?
        /// Pairwise: the verdict as written and the other completion.
        public var verdict: String?
        public var opponent: Int?
        public var position: Int?
        public var parse: String
        public var notApplicable: Bool

        enum CodingKeys: String, CodingKey {
            case judge, completion, rating, rationale, verdict, opponent, position, parse
            case notApplicable = "not_applicable"
        }
    }

    public struct Aspect: Codable, Sendable {
        public var aspect: String
        public var votes: [Vote]
    }

    /// The chosen and rejected completions pairing makes now (best-vs-random on the
    /// fine-grained score, seed 0, as `prefab pairs` does by default), with the reviewers'
    /// verdict when they agree.
    public struct Pair: Codable, Sendable {
        public var chosen: Int?
        public var rejected: Int?
        /// Why there is no pair (a drop reason), when there is none.
        public var dropped: String?
        public var labelSource: String

        enum CodingKeys: String, CodingKey {
            case chosen, rejected, dropped
            case labelSource = "label_source"
        }
    }

    public var promptID: String
    public var ordinal: Int
    public var source: String
    public var messages: [ChatMessage]
    public var reference: String?
    public var completions: [Completion]
    public var aspects: [Aspect]
    public var pair: Pair
    public var uncertainty: ReviewUncertainty
    public var labels: [HumanLabel]
    public var conflict: Bool

    enum CodingKeys: String, CodingKey {
        case ordinal, source, messages, reference, completions, aspects, pair, uncertainty, labels, conflict
        case promptID = "prompt_id"
    }

    init(record: RatedRecord, ordinal: Int, uncertainty: ReviewUncertainty, labels: [HumanLabel]) {
        promptID = record.promptID
        self.ordinal = ordinal
        source = record.source
        messages = record.messages
        reference = record.reference
        self.uncertainty = uncertainty
        self.labels = labels
        completions = record.completions.enumerated().map { index, completion in
            Completion(
                index: index, letter: HumanVerdict.prefers(index).label, model: completion.model, response: completion.response,
                flags: completion.flags, fineGrained: completion.fineGrainedScore, overall: completion.overallScore,
                ratings: completion.annotations.mapValues(\.rating), scores: completion.scores)
        }
        var byAspect: [String: [Vote]] = [:]
        for (index, completion) in record.completions.enumerated() {
            for vote in completion.votes {
                byAspect[vote.aspect, default: []].append(Vote(
                    judge: vote.judge, completion: index, rating: vote.rating, rationale: vote.rationale ?? vote.detail,
                    verdict: vote.verdict, opponent: vote.opponent, position: vote.position, parse: vote.parse.rawValue,
                    notApplicable: vote.notApplicable))
            }
        }
        aspects = byAspect.keys.sorted().map { Aspect(aspect: $0, votes: byAspect[$0]!) }
        let verdicts = HumanVerdicts(labels: labels)
        conflict = !verdicts.conflicts.isEmpty
        let human = verdicts.verdict(for: record.promptID)
        switch Pairer(options: PairingOptions()).outcome(for: record, human: human) {
        case .pairs(let pairs):
            pair = Pair(chosen: pairs.first?.chosen.index, rejected: pairs.first?.rejected.index, dropped: nil, labelSource: pairs.first?.labelSource.rawValue ?? "judges")
        case .best(_, _, let best):
            pair = Pair(chosen: best.index, rejected: nil, dropped: nil, labelSource: human == nil ? "judges" : "human")
        case .dropped(let reason):
            pair = Pair(chosen: nil, rejected: nil, dropped: reason.rawValue, labelSource: human == nil ? "judges" : "human")
        }
    }
}
