import Foundation

/// What the simulator does to one request instead of (or before) answering it normally.
///
/// Tests choose it per request with the `x-sim-fault` header, a `;`-separated list:
/// `status=503`, `status=429;retry-after=2`, `status=429;retry-after-date` (an HTTP date about
/// 2 s ahead; `retry-after-date=5` for 5 s), `hang`, `malformed`, `truncate`, `reset`,
/// `unparseable`, `latency=500` (milliseconds; combines with the others).
/// Random faults from the configured rates produce the same plans.
struct FaultPlan: Equatable, Sendable {
    enum Action: Equatable, Sendable {
        /// Answer normally.
        case none
        /// Answer with this HTTP status and an error body.
        case status(Int)
        /// Never answer; the connection stays open until the client closes it.
        case hang
        /// 200 with a body that is not valid JSON.
        case malformed
        /// Headers promise more body bytes than are sent, then the connection closes.
        case truncate
        /// Close the connection with a TCP reset, sending nothing.
        case reset
        /// A well-formed answer whose message text is free prose, not the JSON asked for.
        case unparseable

        var name: String {
            switch self {
            case .none: "none"
            case .status(let code): "status_\(code)"
            case .hang: "hang"
            case .malformed: "malformed"
            case .truncate: "truncate"
            case .reset: "reset"
            case .unparseable: "unparseable"
            }
        }
    }

    enum RetryAfter: Equatable, Sendable {
        /// `Retry-After: N` (delta seconds).
        case seconds(Int)
        /// `Retry-After: <IMF-fixdate>` this many seconds ahead.
        case date(secondsAhead: Int)
    }

    var action: Action = .none
    var retryAfter: RetryAfter?
    var latencyMilliseconds: Double?

    var isEmpty: Bool { action == .none && retryAfter == nil && latencyMilliseconds == nil }

    /// Why an `x-sim-fault` or `x-sim-fail-times` header was refused.
    struct HeaderError: Error, CustomStringConvertible {
        var header: String
        var value: String
        var reason: String
        var description: String { "invalid \(header) header '\(value)': \(reason)" }
    }

    init(action: Action = .none, retryAfter: RetryAfter? = nil, latencyMilliseconds: Double? = nil) {
        self.action = action
        self.retryAfter = retryAfter
        self.latencyMilliseconds = latencyMilliseconds
    }

    /// Parses an `x-sim-fault` header value.
    init(header value: String) throws(HeaderError) {
        func refuse(_ reason: String) -> HeaderError {
            HeaderError(header: "x-sim-fault", value: value, reason: reason)
        }
        for rawItem in value.split(separator: ";") {
            let item = rawItem.trimmingCharacters(in: .whitespaces).lowercased()
            if item.isEmpty { continue }
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = pair[0]
            let argument = pair.count > 1 ? pair[1] : nil
            func setAction(_ new: Action) throws(HeaderError) {
                guard action == .none else { throw refuse("more than one of status, hang, malformed, truncate, reset, unparseable") }
                action = new
            }
            switch (name, argument) {
            case ("status", let argument?):
                guard let code = Int(argument), (400...599).contains(code) else { throw refuse("status must be an HTTP error status in 400...599") }
                try setAction(.status(code))
            case ("retry-after", let argument?):
                guard let seconds = Int(argument), seconds >= 0 else { throw refuse("retry-after must be whole seconds") }
                retryAfter = .seconds(seconds)
            case ("retry-after-date", nil):
                retryAfter = .date(secondsAhead: 2)
            case ("retry-after-date", let argument?):
                guard let seconds = Int(argument), seconds >= 0 else { throw refuse("retry-after-date must be whole seconds") }
                retryAfter = .date(secondsAhead: seconds)
            case ("latency", let argument?):
                guard let ms = Double(argument), ms.isFinite, ms >= 0 else { throw refuse("latency must be milliseconds") }
                latencyMilliseconds = ms
            case ("hang", nil): try setAction(.hang)
            case ("malformed", nil): try setAction(.malformed)
            case ("truncate", nil): try setAction(.truncate)
            case ("reset", nil): try setAction(.reset)
            case ("unparseable", nil): try setAction(.unparseable)
            default:
                throw refuse("unknown item '\(item)'; expected status=N, retry-after=S, retry-after-date[=S], hang, malformed, truncate, reset, unparseable or latency=MS")
            }
        }
        if retryAfter != nil {
            guard case .status = action else { throw refuse("retry-after needs a status") }
        }
    }

    /// Parses an `x-sim-fail-times` header value.
    static func failTimes(header value: String) throws(HeaderError) -> Int {
        guard let count = Int(value.trimmingCharacters(in: .whitespaces)), count >= 0 else {
            throw HeaderError(header: "x-sim-fail-times", value: value, reason: "expected a non-negative integer")
        }
        return count
    }
}
