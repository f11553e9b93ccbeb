import PrefabShards

/// Why a pairing run stopped. Nothing is left at the output path when it does.
public enum PairStageError: Error, CustomStringConvertible {
    case outputExists(String)
    case invalidRecord(path: String, record: Int, reason: String)
    case shards(ShardError)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .outputExists(let path):
            "\(path): the output already exists; choose another --out or pass --force to replace it"
        case .invalidRecord(let path, let record, let reason):
            "\(path): record \(record): not a rated record: \(reason)"
        case .shards(let error):
            "\(error)"
        case .io(let path, let reason):
            "\(path): \(reason)"
        }
    }
}
