/// What can go wrong when configuring or running pairing.
public enum PairingError: Error, Equatable, CustomStringConvertible {
    case unknownStrategy(String, known: [String])
    case unknownFormat(String, known: [String])
    case invalidScoreSource(String)
    case invalidOption(name: String, value: String, expected: String)
    case formatNeedsPairs(format: String, strategy: String)
    case formatNeedsSingleRows(format: String, strategy: String)
    /// KTO labels from the pairs with `all-pairs`: every answer but the best and the worst is
    /// on both sides of some pair, so it would be written twice, once desirable and once not.
    case ktoLabelsFromAllPairs(format: String)

    public var description: String {
        switch self {
        case .unknownStrategy(let name, let known):
            "unknown pairing strategy '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case .unknownFormat(let name, let known):
            "unknown pair format '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case .invalidScoreSource(let text):
            "invalid score '\(text)'; expected fine-grained, overall, aspect:NAME, weighted:A=W,B=W or score:JUDGE"
        case .invalidOption(let name, let value, let expected):
            "invalid \(name) '\(value)'; expected \(expected)"
        case .formatNeedsPairs(let format, let strategy):
            "format '\(format)' writes preference pairs, but strategy '\(strategy)' picks single completions; use format sft, or a pairing strategy"
        case .formatNeedsSingleRows(let format, let strategy):
            "format '\(format)' writes SFT rows; use strategy best-of-n with it (got '\(strategy)')"
        case .ktoLabelsFromAllPairs(let format):
            "format '\(format)' labels the sides of each pair, and with strategy all-pairs most answers are on both sides (written twice, desirable and undesirable); give KTO thresholds (pairing `kto: {desirable: 4, undesirable: 2}`, or --kto-desirable/--kto-undesirable), or use strategy best-vs-random or best-vs-worst"
        }
    }
}
