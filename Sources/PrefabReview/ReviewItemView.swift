import Prefab

/// Everything the item page shows about one prompt: the conversation, the completions with
/// their scores, every vote with its rationale by aspect, the pair as it stands now, and the
/// reviewers' labels.
package struct ReviewItemView: Codable, Sendable {
    package struct Completion: Codable, Sendable {
        package var index: Int
        /// `A`, `B`, …: what the verdict buttons and `review.sqlite` call it.
        package var letter: String
        package var model: String
        package var response: String
        package var flags: [String]
        package var fineGrained: Double?
        package var overall: Double?
        /// Aspect → the ensemble's rating.
        package var ratings: [String: String]
        /// Number-giving judges (reward models, scorers) by name.
        package var scores: [String: Double]

        enum CodingKeys: String, CodingKey {
            case index, letter, model, response, flags, overall, ratings, scores
            case fineGrained = "fine_grained"
        }
    }

    package struct Vote: Codable, Sendable {
        package var judge: String
        package var completion: Int
        package var rating: Double?
        package var rationale: String?
        /// Pairwise: the verdict as written and the other completion.
        package var verdict: String?
        package var opponent: Int?
        package var position: Int?
        package var parse: String
        package var notApplicable: Bool

        enum CodingKeys: String, CodingKey {
            case judge, completion, rating, rationale, verdict, opponent, position, parse
            case notApplicable = "not_applicable"
        }
    }

    package struct Aspect: Codable, Sendable {
        package var aspect: String
        package var votes: [Vote]
    }

    /// The chosen and rejected completions pairing makes now (best-vs-random on the
    /// fine-grained score, seed 0, as `prefab pairs` does by default), with the reviewers'
    /// verdict when they agree.
    package struct Pair: Codable, Sendable {
        package var chosen: Int?
        package var rejected: Int?
        /// Why there is no pair (a drop reason), when there is none.
        package var dropped: String?
        package var labelSource: String

        enum CodingKeys: String, CodingKey {
            case chosen, rejected, dropped
            case labelSource = "label_source"
        }
    }

    package var promptID: String
    package var ordinal: Int
    package var source: String
    package var messages: [ChatMessage]
    package var reference: String?
    package var completions: [Completion]
    package var aspects: [Aspect]
    package var pair: Pair
    package var uncertainty: ReviewUncertainty
    package var labels: [HumanLabel]
    package var conflict: Bool

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
