/// Why a run stopped before every prompt was tried.
public enum RunStopReason: String, Codable, Sendable, Hashable {
    /// The budget (requests, tokens or cost) is spent: raise it in the config and run again.
    case budget
    /// Someone asked it to stop (Ctrl-C, SIGTERM, `RunControl.stop`).
    case interrupted
}
