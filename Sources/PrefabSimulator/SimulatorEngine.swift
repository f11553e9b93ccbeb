import Foundation
import PrefabShards

/// Decides the reply to every request: counts it, checks the API key, picks a fault (from the
/// `x-sim-fault` header or at random from the configured rates), routes it to its endpoint, and
/// says how long to wait before delivering. Free of NIO, so it can be tested without sockets.
final class SimulatorEngine: Sendable {
    let configuration: SimulatorConfiguration
    let recorder = StatsRecorder()
    /// Uploaded files and batches; kept across `/sim/reset` (a reset zeroes counts, not state).
    let batches = BatchStore()

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
    }

    func handle(_ request: SimulatorRequest) -> SimulatorReply {
        if request.path.hasPrefix("/sim/") {
            return simulatorControl(request)
        }
        var hasher = StableHasher()
        hasher.combine(request.path)
        request.body.withUnsafeBytes { hasher.combine($0) }
        let sequence = recorder.arrive(path: request.path, bodyHash: hasher.finalize())
        var reply = decide(request, sequence: sequence)
        reply.countedPath = request.path
        return reply
    }

    /// Counts the end of a reply the connection handler delivered (or gave up on).
    func finished(_ reply: SimulatorReply, delivered: Bool) {
        guard let path = reply.countedPath else { return }
        let status: Int? = switch reply.delivery {
        case .complete, .truncated: delivered ? reply.status : nil
        case .hang, .reset: nil
        }
        recorder.finish(path: path, status: status)
    }

    private func decide(_ request: SimulatorRequest, sequence: UInt64) -> SimulatorReply {
        let isAPI = request.path.hasPrefix("/v1/")
        let style = Self.endpoint(at: request.path)?.errorStyle ?? .openAI
        if isAPI, let failure = authenticationFailure(request) {
            return failure.reply(style: style)
        }
        var generator = SplitMix64(seed: SplitMix64.mix(configuration.seed ^ SplitMix64.mix(sequence &+ 1)))
        var plan = FaultPlan()
        if let header = request.header("x-sim-fault") {
            do {
                plan = try FaultPlan(header: header)
                if let failTimes = request.header("x-sim-fail-times") {
                    let limit = try FaultPlan.failTimes(header: failTimes)
                    let key = StatsRecorder.failureKey(path: request.path, body: request.body)
                    if !recorder.takeFailure(key: key, limit: limit) { plan = FaultPlan() }
                }
            } catch {
                return APIError.invalid(error.description).reply(style: style)
            }
        } else if isAPI {
            plan = randomPlan(using: &generator)
        }
        let delay = plan.latencyMilliseconds ?? (isAPI ? configuration.latency.sample(using: &generator) : 0)
        var answerStyle = configuration.answerStyle
        if let header = request.header("x-sim-answer-style") {
            do {
                answerStyle = try SimulatorConfiguration.AnswerStyle(parsing: header)
            } catch {
                return APIError.invalid("x-sim-answer-style: \(error.description)").reply(style: style)
            }
        }

        var reply: SimulatorReply
        switch plan.action {
        case .status(let code):
            recorder.recordFault(plan.action.name)
            var headers: [(String, String)] = []
            switch plan.retryAfter {
            case .seconds(let seconds)?:
                headers.append(("retry-after", String(seconds)))
            case .date(let ahead)?:
                let now = Int(Date().timeIntervalSince1970.rounded(.up))
                headers.append(("retry-after", HTTPDate.format(secondsSince1970: now + ahead)))
            case nil:
                break
            }
            reply = APIError(code, Self.message(forStatus: code)).reply(style: style, headers: headers)
        case .hang:
            recorder.recordFault(plan.action.name)
            reply = SimulatorReply(status: 0, delivery: .hang)
        case .reset:
            recorder.recordFault(plan.action.name)
            reply = SimulatorReply(status: 0, delivery: .reset)
        case .malformed:
            recorder.recordFault(plan.action.name)
            reply = .json(200, Array(#"{"id":"chatcmpl-sim-malformed","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Th"#.utf8))
        case .truncate:
            recorder.recordFault(plan.action.name)
            reply = route(request, sequence: sequence, unparseable: false, answerStyle: answerStyle)
            reply.delivery = .truncated
        case .unparseable:
            reply = route(request, sequence: sequence, unparseable: true, answerStyle: answerStyle)
        case .none:
            reply = route(request, sequence: sequence, unparseable: false, answerStyle: answerStyle)
        }
        reply.delayMilliseconds = delay
        return reply
    }

    /// One uniform draw against the cumulative fault rates, then an independent draw for the
    /// unparseable-content fault.
    private func randomPlan(using generator: inout SplitMix64) -> FaultPlan {
        let draw = generator.nextUnit()
        var threshold = 0.0
        var action = FaultPlan.Action.none
        let candidates: [(Double, FaultPlan.Action)] = [
            (configuration.resetRate, .reset), (configuration.hangRate, .hang),
            (configuration.malformedRate, .malformed), (configuration.truncateRate, .truncate),
        ] + configuration.errorRates.sorted { $0.key < $1.key }.map { ($0.value, .status($0.key)) }
        for (rate, candidate) in candidates where rate > 0 {
            threshold += rate
            if draw < threshold {
                action = candidate
                break
            }
        }
        if action == .none, configuration.unparseableRate > 0, generator.nextUnit() < configuration.unparseableRate {
            action = .unparseable
        }
        var plan = FaultPlan(action: action)
        if case .status(let code) = action, code == 429 || code == 503, let seconds = configuration.retryAfterSeconds {
            plan.retryAfter = .seconds(seconds)
        }
        return plan
    }

    private func route(
        _ request: SimulatorRequest, sequence: UInt64, unparseable: Bool, answerStyle: SimulatorConfiguration.AnswerStyle
    ) -> SimulatorReply {
        let context = EndpointContext(
            configuration: configuration, recorder: recorder, sequence: sequence, unparseable: unparseable, answerStyle: answerStyle
        )
        if let endpoint = Self.endpoint(at: request.path) {
            guard request.method == "POST" else {
                return APIError(405, "Method \(request.method) is not allowed on \(request.path); use POST.")
                    .reply(style: .openAI, headers: [("allow", "POST")])
            }
            return endpoint.reply(to: request, context: context)
        }
        if let reply = BatchRoutes.reply(to: request, context: context, store: batches) {
            return reply
        }
        switch (request.method, request.path) {
        case ("GET", "/v1/models"):
            return .json(200, [
                "object": "list",
                "data": .array(configuration.models.map(Self.modelObject)),
            ])
        case ("GET", let path) where path.hasPrefix("/v1/models/"):
            let id = String(path.dropFirst("/v1/models/".count))
            guard configuration.models.contains(id) else {
                return APIError(404, "The model '\(id)' does not exist.", code: "model_not_found").reply(style: .openAI)
            }
            return .json(200, Self.modelObject(id))
        case ("GET", "/health"):
            return .json(200, ["status": "ok"])
        case ("GET", "/props") where configuration.contextWindow != nil:
            // llama.cpp's server properties, the part clients read: a slot's context.
            return .json(200, [
                "default_generation_settings": ["n_ctx": .int(Int64(configuration.contextWindow!))],
                "total_slots": 1,
            ])
        case (_, "/v1/models"), (_, "/health"):
            return APIError(405, "Method \(request.method) is not allowed on \(request.path); use GET.")
                .reply(style: .openAI, headers: [("allow", "GET")])
        default:
            return APIError(404, "Unknown path \(request.path).").reply(style: .openAI)
        }
    }

    /// The endpoint serving `path`, if one does.
    private static func endpoint(at path: String) -> (any SimulatorEndpoint.Type)? {
        simulatorEndpoints.first { $0.path == path }
    }

    private func simulatorControl(_ request: SimulatorRequest) -> SimulatorReply {
        switch (request.method, request.path) {
        case ("GET", "/sim/stats"):
            return .json(200, recorder.snapshot().json)
        case ("POST", "/sim/reset"):
            recorder.reset()
            return .json(200, ["status": "reset"])
        default:
            return APIError(404, "Unknown simulator path \(request.path); use GET /sim/stats or POST /sim/reset.").reply(style: .openAI)
        }
    }

    /// Checks `Authorization: Bearer KEY` or `x-api-key: KEY`. The messages never contain what
    /// the client sent.
    private func authenticationFailure(_ request: SimulatorRequest) -> APIError? {
        guard let expected = configuration.apiKey else { return nil }
        var given: [String] = []
        if let authorization = request.header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                given.append(parts[1].trimmingCharacters(in: .whitespaces))
            } else {
                given.append("")
            }
        }
        if let key = request.header("x-api-key") { given.append(key) }
        if given.isEmpty {
            return APIError(401, "You didn't provide an API key. Send it as 'Authorization: Bearer KEY' or 'x-api-key: KEY'.")
        }
        if given.contains(where: { Self.constantTimeEquals($0, expected) }) { return nil }
        return APIError(401, "Incorrect API key provided.")
    }

    private static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }

    private static func modelObject(_ id: String) -> JSONValue {
        ["id": .string(id), "object": "model", "created": 1_700_000_000, "owned_by": "prefab-sim"]
    }

    private static func message(forStatus code: Int) -> String {
        switch code {
        case 429: "Rate limit reached (injected by prefab-sim). Please retry after a short wait."
        case 500: "The server had an error while processing your request (injected by prefab-sim)."
        case 502: "Bad gateway (injected by prefab-sim)."
        case 503: "The server is overloaded or not ready yet (injected by prefab-sim)."
        case 529: "Overloaded (injected by prefab-sim)."
        default: "Simulated HTTP \(code) (injected by prefab-sim)."
        }
    }
}
