/// Faults the simulator injects into batches, so tests can prove a batch client survives what
/// real batch APIs do: expire, cancel on their own, fail some requests, drop part of an output
/// file, or keep only part of an upload.
///
/// Counted faults hit the first N batches (or uploads) only, so a client that re-submits the
/// failed requests gets them answered: the point is to test that it does re-submit.
///
/// The command-line form is a comma-separated list: `expire`, `expire=2`, `cancel`, `partial`,
/// `truncate-upload`, `fail=0.1`.
public struct BatchFaults: Sendable, Equatable, CustomStringConvertible {
    /// The first N batches end `expired` with none of their requests answered.
    public var expire: Int
    /// The first N batches are cancelled by the provider: they end `cancelled`, nothing answered.
    public var cancel: Int
    /// The first N batches complete, but their output holds only the first half of the answers;
    /// the rest are in neither the output nor the error file.
    public var partial: Int
    /// The first N uploaded files keep only the first half of their bytes (an upload cut off).
    public var truncateUpload: Int
    /// The probability that one request of a batch fails (HTTP 500 in the error file, or an
    /// `errored` result). Drawn per request and batch, so a re-submitted request gets a new draw.
    public var failRate: Double

    public init(expire: Int = 0, cancel: Int = 0, partial: Int = 0, truncateUpload: Int = 0, failRate: Double = 0) {
        self.expire = expire
        self.cancel = cancel
        self.partial = partial
        self.truncateUpload = truncateUpload
        self.failRate = failRate
    }

    /// Parses `expire,fail=0.1,cancel=2,partial,truncate-upload`.
    public init(parsing text: String) throws(SimulatorConfigurationError) {
        self.init()
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0].lowercased()
            func count() throws(SimulatorConfigurationError) -> Int {
                guard parts.count == 2 else { return 1 }
                guard let value = Int(parts[1]), value >= 0 else {
                    throw .invalidValue("batch fault \(name)", parts[1], reason: "must be a count of batches (0 or more)")
                }
                return value
            }
            switch name {
            case "expire": expire = try count()
            case "cancel": cancel = try count()
            case "partial": partial = try count()
            case "truncate-upload": truncateUpload = try count()
            case "fail":
                guard parts.count == 2, let rate = Double(parts[1]), (0...1).contains(rate) else {
                    throw .invalidValue("batch fault fail", parts.count == 2 ? parts[1] : "(none)", reason: "write fail=RATE with RATE in 0...1")
                }
                failRate = rate
            default:
                throw .invalidValue("batch fault", item, reason: "expected expire[=N], cancel[=N], partial[=N], truncate-upload[=N] or fail=RATE")
            }
        }
    }

    public var description: String {
        var parts: [String] = []
        if expire > 0 { parts.append("expire=\(expire)") }
        if cancel > 0 { parts.append("cancel=\(cancel)") }
        if partial > 0 { parts.append("partial=\(partial)") }
        if truncateUpload > 0 { parts.append("truncate-upload=\(truncateUpload)") }
        if failRate > 0 { parts.append("fail=\(failRate)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}
