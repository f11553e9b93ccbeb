/// Why `prefab judge` could not run.
public enum JudgeStageError: Error, CustomStringConvertible, Sendable {
    /// A samples record that is not a samples record.
    case invalidSample(path: String, record: Int, reason: String)
    case cannotWrite(path: String)

    public var description: String {
        switch self {
        case .invalidSample(let path, let record, let reason): "\(path): record \(record): \(reason)"
        case .cannotWrite(let path): "\(path): cannot write the file"
        }
    }
}
