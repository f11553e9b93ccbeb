/// Why `prefab run` stopped before finishing, with what to do about it.
public enum RunError: Error, CustomStringConvertible, Sendable {
    case config(ConfigError)
    case input(PromptInputError)
    /// The journal database cannot be opened, read or written.
    case journal(path: String, reason: String)
    /// Another process is running the same run.
    case journalBusy(path: String)
    /// The journal was started with a different sampling or judging config.
    case configChanged(journal: String)
    /// The journal's prompt at a position is not the input's.
    case inputChanged(journal: String, ordinal: Int, expected: String, found: String)
    case output(path: String, reason: String)
    case endpoint(String)
    case judges(JudgeSetupError)
    case cache(ResponseCacheError)
    case report(RunReportError)

    public var description: String {
        switch self {
        case .config(let error): "\(error)"
        case .input(let error): "\(error)"
        case .journal(let path, let reason): "\(path): run journal: \(reason)"
        case .journalBusy(let path):
            "\(path): another prefab run is using this run's journal; wait for it to end (or stop it) and run again"
        case .configChanged(let journal):
            "the config's sampling or judging settings changed since this run's journal (\(journal)) was started, so its finished prompts would not match new ones; run with --fresh to start over, or restore the config"
        case .inputChanged(let journal, let ordinal, let expected, let found):
            "the prompts changed since this run's journal (\(journal)) was started: prompt \(ordinal + 1) was '\(expected)', now '\(found)'; run with --fresh to start over, or restore the input"
        case .output(let path, let reason): "\(path): \(reason)"
        case .endpoint(let reason): reason
        case .judges(let error): "\(error)"
        case .cache(let error): "\(error)"
        case .report(let error): "report: \(error)"
        }
    }
}
