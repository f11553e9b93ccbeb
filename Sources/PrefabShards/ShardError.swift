import Foundation

/// Everything that can go wrong reading or writing shards, each naming the file and, where it
/// applies, the line or sample and the field, so a person can go and fix it.
public enum ShardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed (`operation` says which: "open", "read", "write", "rename"...).
    case io(path: String, operation: String, errno: Int32)
    case notFound(path: String)
    /// A line (or MDS `json` value) that is not the JSON expected.
    case invalidJSON(path: String, position: RecordPosition, reason: String)
    /// A record that does not fit the columns of an MDS schema, or a value of the wrong kind.
    case invalidRecord(path: String, position: RecordPosition, field: String?, reason: String)
    /// The bytes on disk are not what was written: a checksum, a hash, or the structure is wrong.
    case corrupt(path: String, reason: String)
    /// The file ends early.
    case truncated(path: String, reason: String)
    /// An MDS `index.json` or Prefab `manifest.json` that cannot be used.
    case invalidIndex(path: String, reason: String)
    /// Valid data Prefab cannot read (a compression, encoding or hash it does not implement).
    case unsupported(path: String, reason: String)
    /// A bad option value (a compression spelling, a column spec, a size).
    case invalidArgument(String)
    /// The output directory already holds files.
    case outputExists(path: String)
    /// `write` or `finish` on a writer that has finished or failed.
    case writerClosed(path: String)

    public var description: String {
        switch self {
        case .io(let path, let operation, let code):
            return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case .notFound(let path):
            return "\(path): no such file or directory"
        case .invalidJSON(let path, let position, let reason):
            return "\(path) \(position): invalid JSON: \(reason)"
        case .invalidRecord(let path, let position, let field, let reason):
            if let field { return "\(path) \(position), field \"\(field)\": \(reason)" }
            return "\(path) \(position): \(reason)"
        case .corrupt(let path, let reason):
            return "\(path) is corrupt: \(reason)"
        case .truncated(let path, let reason):
            return "\(path) is truncated: \(reason)"
        case .invalidIndex(let path, let reason):
            return "\(path): \(reason)"
        case .unsupported(let path, let reason):
            return "\(path): \(reason)"
        case .invalidArgument(let message):
            return message
        case .outputExists(let path):
            return "\(path) already exists and is not empty; choose a new output directory or remove it"
        case .writerClosed(let path):
            return "the writer for \(path) has already finished or failed"
        }
    }

    /// Whether the error says the data on disk is damaged (corrupt or truncated).
    public var isDamage: Bool {
        switch self {
        case .corrupt, .truncated: true
        default: false
        }
    }

    /// The file the error is about, when there is one.
    public var path: String? {
        switch self {
        case .io(let path, _, _), .notFound(let path), .invalidJSON(let path, _, _), .invalidRecord(let path, _, _, _),
            .corrupt(let path, _), .truncated(let path, _), .invalidIndex(let path, _), .unsupported(let path, _),
            .outputExists(let path), .writerClosed(let path):
            return path
        case .invalidArgument:
            return nil
        }
    }
}

/// Where a record sits: a 1-based line of a JSONL file (counted from the start of a frame
/// when reading began at a frame), a 0-based sample of an MDS shard (as StreamingDataset counts),
/// or the 1-based number of a record handed to a writer.
public enum RecordPosition: Sendable, Equatable, CustomStringConvertible {
    case line(Int)
    case frameLine(frame: Int, line: Int)
    case sample(Int)
    case record(Int)

    public var description: String {
        switch self {
        case .line(let line): "line \(line)"
        case .frameLine(let frame, let line): "frame \(frame), line \(line)"
        case .sample(let sample): "sample \(sample)"
        case .record(let record): "record \(record)"
        }
    }
}
