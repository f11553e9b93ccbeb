/// What can go wrong serving a review, each naming the file or field to fix.
package enum ReviewError: Error, CustomStringConvertible, Sendable {
    case notARunDirectory(String)
    case noRatedRecords(String)
    case unreadable(path: String, record: Int?, reason: String)
    case index(path: String, reason: String)
    case labels(path: String, reason: String)
    case badRequest(String)
    case notFound(String)

    package var description: String {
        switch self {
        case .notARunDirectory(let path): "\(path): not a directory; give the output directory of `prefab run` (or of the quickstart)"
        case .noRatedRecords(let path): "\(path): no rated/ directory with rated records; run `prefab judge` or `prefab run` first"
        case .unreadable(let path, let record, let reason):
            "\(path)\(record.map { ": record \($0)" } ?? ""): \(reason)"
        case .index(let path, let reason): "\(path): review index: \(reason)"
        case .labels(let path, let reason): "\(path): review labels: \(reason)"
        case .badRequest(let message): message
        case .notFound(let message): message
        }
    }
}
