/// Why a run report could not be made.
public enum RunReportError: Error, CustomStringConvertible, Sendable {
    /// The run directory does not exist or is not a directory.
    case notADirectory(String)
    /// None of `samples/`, `rated/`, `pairs/` is there.
    case nothingToReport(String)
    /// A shard or JSON file could not be read or decoded.
    case unreadable(path: String, record: Int?, reason: String)
    case cannotWrite(path: String, reason: String)
    /// The task building the report was cancelled (while the diversity metrics were calling
    /// their models).
    case cancelled

    public var description: String {
        switch self {
        case .notADirectory(let path):
            "\(path): not a directory; give a run output directory (with samples/, rated/ or pairs/)"
        case .nothingToReport(let path):
            "\(path): no samples/, rated/ or pairs/ directory to report on"
        case .unreadable(let path, let record, let reason):
            "\(path)\(record.map { ": record \($0)" } ?? ""): \(reason)"
        case .cannotWrite(let path, let reason):
            "\(path): cannot write: \(reason)"
        case .cancelled:
            "the report was cancelled before it was complete; nothing was written"
        }
    }
}
