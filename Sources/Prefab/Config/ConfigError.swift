/// A config file problem, located: the file, the line and column where YAML put the offending
/// value, the key path inside the document, and what was expected there.
///
/// Reported before any model is called, so a typo never costs a request.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// 1-based; nil when the problem is the file as a whole (unreadable, empty).
    public var line: Int?
    public var column: Int?
    /// Dotted key path inside the document, e.g. `pool.models[2].endpoint`; "" for the root.
    public var path: String = ""
    public var message: String

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}
