/// Why a run stopped before every prompt was tried.
///
/// Encoded (in `run-summary.json`'s `stop_reason`) as its `name` for a budget or an interrupt,
/// and as an object with `name: "endpoint"` and the `EndpointStop`'s fields for an endpoint.
public enum RunStopReason: Codable, Sendable, Hashable {
    /// The budget (requests, tokens or cost) is spent: raise it in the config and run again.
    case budget
    /// Someone asked it to stop (Ctrl-C, SIGTERM, `RunControl.stop`).
    case interrupted
    /// An endpoint refuses every call (wrong API key, unknown model, a request it cannot take):
    /// nothing more is asked, and no prompt is marked failed for it; fix what the stop says and
    /// run again.
    case endpoint(EndpointStop)

    /// The short, stable word for the journal, the progress phase and the summary.
    public var name: String {
        switch self {
        case .budget: "budget"
        case .interrupted: "interrupted"
        case .endpoint: "endpoint"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case name, endpoint, status, kind, message, fix
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            switch name {
            case "budget": self = .budget
            case "interrupted": self = .interrupted
            default:
                throw DecodingError.dataCorruptedError(in: single, debugDescription: "unknown stop reason '\(name)'")
            }
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = .endpoint(EndpointStop(
            endpoint: try container.decode(String.self, forKey: .endpoint), status: try container.decode(Int.self, forKey: .status),
            kind: try container.decode(EndpointFatality.self, forKey: .kind), message: try container.decode(String.self, forKey: .message),
            fix: try container.decode(String.self, forKey: .fix)))
    }

    public func encode(to encoder: any Encoder) throws {
        guard case .endpoint(let stop) = self else {
            var single = encoder.singleValueContainer()
            try single.encode(name)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(stop.endpoint, forKey: .endpoint)
        try container.encode(stop.status, forKey: .status)
        try container.encode(stop.kind, forKey: .kind)
        try container.encode(stop.message, forKey: .message)
        try container.encode(stop.fix, forKey: .fix)
    }
}
