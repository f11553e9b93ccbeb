/// What one rated record gave: pairs, a best completion (best-of-n), or the reason for nothing.
package enum PairingOutcome: Hashable, Sendable {
    case pairs([PreferencePair])
    case best(promptID: String, prompt: [ChatMessage], completion: ScoredCompletion)
    case dropped(DropReason)
}
