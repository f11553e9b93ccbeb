/// `--metrics HOST:PORT` (`0.0.0.0:9464`, `127.0.0.1:0`, `[::1]:9464`, or `:9464` for every
/// interface).
package struct RunMetricsAddress: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(parsing text: String) throws(RunMetricsError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw .badAddress(text)
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    package var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}

/// Why the metrics endpoint could not be served.
package enum RunMetricsError: Error, CustomStringConvertible, Sendable, Equatable {
    case badAddress(String)
    case bind(address: String, reason: String)

    package var description: String {
        switch self {
        case .badAddress(let text): "--metrics '\(text)' is not HOST:PORT (for example 0.0.0.0:9464, or 127.0.0.1:0 for any free port)"
        case .bind(let address, let reason): "--metrics \(address): cannot listen there: \(reason)"
        }
    }
}
