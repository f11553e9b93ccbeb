/// How a prompt's rated completions become training rows.
public enum PairingStrategy: String, CaseIterable, Hashable, Sendable {
    /// The best completion against one other drawn at random (ultrafeedback_binarized, Tulu 3).
    case bestVsRandom = "best-vs-random"
    /// The best against the worst: the widest margin per prompt (Magpie-style).
    case bestVsWorst = "best-vs-worst"
    /// Every pair whose margin clears `min_margin`.
    case allPairs = "all-pairs"
    /// The single best completion, for SFT rows (best-of-n).
    case bestOfN = "best-of-n"

    public init(parsing text: String) throws(PairingError) {
        guard let strategy = PairingStrategy(rawValue: text) else {
            throw .unknownStrategy(text, known: PairingStrategy.allCases.map(\.rawValue))
        }
        self = strategy
    }
}
