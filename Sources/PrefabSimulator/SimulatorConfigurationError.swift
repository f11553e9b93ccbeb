/// A simulator setting that cannot be used, with what was given and what is expected.
///
/// The API key is never part of a message: an invalid key is reported as "(empty)" only.
public enum SimulatorConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidLatency(String, reason: String)
    case invalidErrorRate(String, reason: String)
    case invalidValue(String, String, reason: String)

    public var description: String {
        switch self {
        case let .invalidLatency(text, reason):
            "invalid latency '\(text)': \(reason)"
        case let .invalidErrorRate(text, reason):
            "invalid error rate '\(text)': \(reason)"
        case let .invalidValue(name, value, reason):
            "invalid \(name) \(value): \(reason)"
        }
    }
}
