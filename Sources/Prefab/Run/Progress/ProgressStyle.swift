/// How a run shows its progress. A person at a terminal wants one block redrawn in place; a log
/// file or CI console wants a line now and then that it can keep; a script wants JSON; `--quiet`
/// wants nothing.
package enum ProgressStyle: String, Codable, Hashable, Sendable, CaseIterable {
    /// A multi-line block redrawn in place with ANSI cursor movement (terminals only).
    case live
    /// One log line every interval, no escape sequences.
    case plain
    /// One `RunProgress` JSON object a line.
    case json
    /// Nothing.
    case quiet

    /// The style for the CLI's flags and where stderr goes: `--quiet` wins over
    /// `--json-progress`, and without either a terminal gets `.live`, anything else `.plain`.
    /// `isTerminal` is usually `ProgressTerminal.isTerminal(STDERR_FILENO)`.
    package static func automatic(quiet: Bool, json: Bool, isTerminal: Bool) -> ProgressStyle {
        if quiet { return .quiet }
        if json { return .json }
        return isTerminal ? .live : .plain
    }

    /// How often the reporter draws by default: often enough to look live on a terminal,
    /// rarely enough not to flood a log file.
    package var defaultInterval: Duration {
        switch self {
        case .live: .milliseconds(250)
        case .plain: .seconds(10)
        case .json: .seconds(1)
        case .quiet: .seconds(1)
        }
    }
}
