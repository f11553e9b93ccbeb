/// Why a prompt gave no training row. Counted per reason in every pairing summary, so a dataset
/// that quietly lost half its prompts to ties shows it.
public enum DropReason: String, CaseIterable, Codable, Hashable, Sendable {
    /// Fewer than two completions (one for best-of-n).
    case tooFewCompletions = "too_few_completions"
    /// Completions exist, but too few have a usable score (parse failures, N/A, unrated).
    case missingScores = "missing_scores"
    /// A completion's score was missing and the policy drops the whole prompt.
    case incompleteRatings = "incomplete_ratings"
    /// No pair's margin clears `min_margin`: every candidate ties with the best.
    case tiedScores = "tied_scores"
    /// The only pairs that clear the margin have the same response text on both sides.
    case identicalResponses = "identical_responses"
    /// Best-of-n: the best completion scored below the configured floor.
    case belowMinimumScore = "below_minimum_score"
    /// `trl-standard` or `kto-standard`: the prompt has a system turn or more than one user turn,
    /// and a string prompt holds only one user turn. Dropped rather than cut, so no row trains
    /// on a prompt the answers were not written for.
    case multiTurnInStandardFormat = "multi_turn_in_standard_format"
    /// A reviewer in `prefab review` found no answer better than the other (`tie`).
    case humanTie = "human_tie"
    /// A reviewer in `prefab review` found every answer bad (`both_bad`).
    case humanBothBad = "human_both_bad"
}
