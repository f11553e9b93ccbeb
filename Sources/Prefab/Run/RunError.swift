/// Why `prefab run` stopped before finishing, with what to do about it.
public enum RunError: Error, CustomStringConvertible, Sendable {
    case config(ConfigError)
    case input(PromptInputError)
    /// The journal database cannot be opened, read or written.
    case journal(path: String, reason: String)
    /// Another process is running the same run.
    case journalBusy(path: String)
    /// The journal was started with a different config: `changed` names what differs (files the
    /// judges read, or `sampling settings`); empty for a journal that predates keeping them.
    case configChanged(journal: String, changed: [String])
    /// The journal's prompt at a position is not the input's.
    case inputChanged(journal: String, ordinal: Int, expected: String, found: String)
    case output(path: String, reason: String)
    case endpoint(String)
    case judges(JudgeSetupError)
    case cache(ResponseCacheError)
    case report(RunReportError)
    /// Prompt hygiene could not run (an evaluation set unreadable, a bad record).
    case hygiene(HygieneError)
    /// The partition cannot be chosen, or does not fit the output's other partitions.
    case partition(RunPartitionError)

    public var description: String {
        switch self {
        case .config(let error): "\(error)"
        case .input(let error): "\(error)"
        case .journal(let path, let reason): "\(path): run journal: \(reason)"
        case .journalBusy(let path):
            "\(path): another prefab run is using this run's journal; wait for it to end (or stop it) and run again"
        case .configChanged(let journal, let changed):
            "\(changed.isEmpty ? "the config's sampling or judging settings" : changed.joined(separator: ", ")) changed since this run's journal (\(journal)) was started, so its finished prompts would not match new ones; run with --fresh to start over (with the response cache on, every answer already received, samples included, comes back free: only the requests the change alters are paid), or restore \(changed.count == 1 ? "it" : "them")"
        case .inputChanged(let journal, let ordinal, let expected, let found):
            "the prompts changed since this run's journal (\(journal)) was started: prompt \(ordinal + 1) was '\(expected)', now '\(found)'; run with --fresh to start over, or restore the input"
        case .output(let path, let reason): "\(path): \(reason)"
        case .endpoint(let reason): reason
        case .judges(let error): "\(error)"
        case .cache(let error): "\(error)"
        case .report(let error): "report: \(error)"
        case .hygiene(let error): "prompt hygiene: \(error)"
        case .partition(let error): "\(error)"
        }
    }
}
