/// Why judges could not be evaluated.
package enum JudgeEvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    case unreadable(file: String)
    case invalid(file: String, line: Int, message: String)

    package var description: String {
        switch self {
        case .unreadable(let file): "\(file): cannot read the gold file"
        case .invalid(let file, let line, let message): line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
        }
    }
}
