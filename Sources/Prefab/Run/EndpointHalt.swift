/// Watches the answers of a run's endpoints for an error that will fail every call, and once one
/// is seen, refuses every further call of that endpoint with its `EndpointStop`. (`prefab run`
/// then stops as a whole; `prefab sample` goes on with the pool's other endpoints.)
///
/// Without it a wrong API key costs two calls per prompt and ends with every prompt marked
/// failed. With it, the calls already in flight are the only ones made after the first refusal.
///
/// The rules: a 401/403 or a 404 naming the model (`EndpointError.fatality`) stops at once. A
/// 400-class answer (`EndpointError.isShapeStatus`) may be about one prompt, so it stops only
/// when the first `shapeStreak` answers of an endpoint are that same status and message, with no
/// success before them; one success and the endpoint is known to work, so its later 400s are
/// the prompts' own. Context overflows (`EndpointError.isContextOverflow`) never count: they are
/// about the prompt's length. Calls that ask for a JSON schema are left out of the count: a server
/// refusing schemas is handled by the judge (`structured_output: auto` falls back to free text).
public final class EndpointHalt: Sendable {
    /// Identical 400-class answers, from an endpoint's first calls, that stop the run.
    public static let defaultShapeStreak = 3

    private struct Watch: Sendable {
        var succeeded = false
        var streak = 0
        var last: (status: Int, message: String)?
    }

    private struct State: Sendable {
        /// The first endpoint found unusable.
        var first: EndpointStop?
        var stops: [String: EndpointStop] = [:]
        var watches: [String: Watch] = [:]
    }

    private let configurations: [String: EndpointConfiguration]
    private let shapeStreak: Int
    private let state = Locked(State())

    /// `endpoints`: the configured endpoints, for the fix's variable and model names.
    public init(endpoints: [EndpointConfiguration] = [], shapeStreak: Int = EndpointHalt.defaultShapeStreak) {
        configurations = Dictionary(endpoints.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.shapeStreak = max(1, shapeStreak)
    }

    /// The stop of the first endpoint that showed it refuses every call.
    public var stop: EndpointStop? { state.withLock { $0.first } }

    /// Throws the endpoint's stop when it has one, so no new call of it starts.
    func check(endpoint: String) throws(EndpointStop) {
        if let stop = state.withLock({ $0.stops[endpoint] }) { throw stop }
    }

    func succeeded(endpoint: String) {
        state.withLock { $0.watches[endpoint, default: Watch()].succeeded = true }
    }

    /// Counts a failed call of `endpoint`; returns the stop when this failure decides it.
    @discardableResult
    func failed(endpoint: String, error: any Error, askedForSchema: Bool) -> EndpointStop? {
        guard let error = error as? EndpointError, case .some(let status) = error.status else { return nil }
        let name = error.endpoint ?? endpoint
        let configuration = configurations[name]
        return state.withLock { state -> EndpointStop? in
            func record(_ stop: EndpointStop) -> EndpointStop {
                state.stops[name] = stop
                if state.first == nil { state.first = stop }
                return stop
            }
            if let stop = state.stops[name] { return stop }
            if let fatality = error.fatality {
                return record(EndpointStop(error, fatality: fatality, configuration: configuration))
            }
            // A request beyond the model's context is about its prompt, however often it happens.
            guard EndpointError.isShapeStatus(status), !askedForSchema, !error.isContextOverflow else { return nil }
            var watch = state.watches[name, default: Watch()]
            guard !watch.succeeded else { return nil }
            let message = error.serverMessage ?? ""
            if let last = watch.last, last.status == status, last.message == message {
                watch.streak += 1
            } else {
                watch.last = (status, message)
                watch.streak = 1
            }
            state.watches[name] = watch
            guard watch.streak >= shapeStreak else { return nil }
            return record(EndpointStop(error, fatality: .badRequest, configuration: configuration))
        }
    }
}

/// A chat client whose failures an `EndpointHalt` watches, and which starts no call once the
/// halt has stopped (it throws the `EndpointStop` instead).
struct HaltingChatClient: ChatClient {
    let base: any ChatClient
    let endpoint: String
    let halt: EndpointHalt

    var identity: ModelIdentity { base.identity }

    var contextWindow: Int? {
        get async { await base.contextWindow }
    }

    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        try halt.check(endpoint: endpoint)
        do {
            let response = try await base.chat(request)
            halt.succeeded(endpoint: endpoint)
            return response
        } catch {
            let askedForSchema = if case .jsonSchema? = request.parameters.responseFormat { true } else { false }
            if let stop = halt.failed(endpoint: endpoint, error: error, askedForSchema: askedForSchema) { throw stop }
            throw error
        }
    }

    /// Wraps every client of `clients` (keyed by endpoint name) with `halt`.
    static func wrap(_ clients: [String: any ChatClient], halt: EndpointHalt) -> [String: any ChatClient] {
        clients.reduce(into: [:]) { $0[$1.key] = HaltingChatClient(base: $1.value, endpoint: $1.key, halt: halt) }
    }
}
