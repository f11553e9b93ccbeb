/// Why a `SimulatorServer` could not start.
public enum SimulatorServerError: Error, CustomStringConvertible, Sendable {
    /// `start()` was called on a server that is running or was stopped; make a new one.
    case alreadyStarted
    /// The address could not be bound (in use, not local, not permitted).
    case bindFailed(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .alreadyStarted:
            "the simulator was already started; create a new SimulatorServer to start another"
        case let .bindFailed(host, port, reason):
            "prefab-sim could not listen on \(host):\(port): \(reason)"
        }
    }
}
