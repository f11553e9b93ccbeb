import PrefabShards

/// What the simulator has seen since it started (or since the last reset), so tests can count
/// calls: a cache hit makes no call, a resumed run pays for nothing twice, a retry policy makes
/// exactly the attempts it should.
///
/// `GET /sim/stats` returns the same data as JSON with snake_case keys; `Codable` reads it back.
/// Requests to `/sim/...` are not counted.
public struct SimulatorStats: Sendable, Equatable, Codable {
    /// Counts for one request path.
    public struct PathStats: Sendable, Equatable, Codable {
        /// Requests that arrived on this path.
        public var requests: Int
        /// Responses sent, by HTTP status (as a string, the way JSON object keys are). Requests
        /// that hang, or are reset, have no status.
        public var statuses: [String: Int]

        public init(requests: Int = 0, statuses: [String: Int] = [:]) {
            self.requests = requests
            self.statuses = statuses
        }
    }

    /// Batches created (OpenAI `/v1/batches` and Anthropic `/v1/messages/batches`): tests compare
    /// them with the batches a run needed to prove that nothing was submitted twice.
    public struct BatchStats: Sendable, Equatable, Codable {
        public var created: Int
        /// Requests in every batch created, together.
        public var requestsSubmitted: Int
        /// Batches created per provider: "openai", "anthropic".
        public var byProvider: [String: Int]

        public init(created: Int = 0, requestsSubmitted: Int = 0, byProvider: [String: Int] = [:]) {
            self.created = created
            self.requestsSubmitted = requestsSubmitted
            self.byProvider = byProvider
        }

        enum CodingKeys: String, CodingKey {
            case created
            case requestsSubmitted = "requests_submitted"
            case byProvider = "by_provider"
        }
    }

    /// Every counted request.
    public var totalRequests: Int
    /// Requests received and not yet answered (hanging requests count until their connection closes).
    public var inFlight: Int
    /// Per path ("/v1/chat/completions"): arrivals and responses per status.
    public var paths: [String: PathStats]
    /// Requests per `model` field (chat, messages and embeddings requests).
    public var models: [String: Int]
    /// Faults injected, by kind: "status_503", "hang", "malformed", "truncate", "reset", "unparseable".
    public var faults: [String: Int]
    /// Distinct (path, body) pairs seen; `totalRequests - uniqueBodies` requests repeated an
    /// earlier one byte for byte (a retry, or a call a cache should have answered).
    public var uniqueBodies: Int
    /// Prompt (input) tokens over all answered requests, as the simulator counts them.
    public var promptTokens: Int
    /// Completion (output) tokens over all answered requests.
    public var completionTokens: Int
    /// Requests that carried a `seed` (chat completions).
    public var seededRequests: Int
    /// Requests that asked for a JSON schema or JSON object answer.
    public var structuredRequests: Int
    /// Batches created and the requests they held.
    public var batches: BatchStats

    public init(
        totalRequests: Int = 0, inFlight: Int = 0, paths: [String: PathStats] = [:],
        models: [String: Int] = [:], faults: [String: Int] = [:], uniqueBodies: Int = 0,
        promptTokens: Int = 0, completionTokens: Int = 0, seededRequests: Int = 0,
        structuredRequests: Int = 0, batches: BatchStats = BatchStats()
    ) {
        self.totalRequests = totalRequests
        self.inFlight = inFlight
        self.paths = paths
        self.models = models
        self.faults = faults
        self.uniqueBodies = uniqueBodies
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.seededRequests = seededRequests
        self.structuredRequests = structuredRequests
        self.batches = batches
    }

    enum CodingKeys: String, CodingKey {
        case totalRequests = "total_requests"
        case inFlight = "in_flight"
        case paths, models, faults
        case uniqueBodies = "unique_bodies"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case seededRequests = "seeded_requests"
        case structuredRequests = "structured_requests"
        case batches
    }

    /// Requests that arrived on `path`.
    public func requests(path: String) -> Int {
        paths[path]?.requests ?? 0
    }

    /// Responses sent on `path` with `status`.
    public func count(path: String, status: Int) -> Int {
        paths[path]?.statuses[String(status)] ?? 0
    }

    /// Requests whose (path, body) had been seen before.
    public var repeatedBodies: Int { totalRequests - uniqueBodies }

    /// The stats as the `/sim/stats` endpoint writes them.
    var json: JSONValue {
        func int(_ value: Int) -> JSONValue { .int(Int64(value)) }
        func counts(_ dictionary: [String: Int]) -> JSONValue {
            .object(JSONObject(dictionary.sorted { $0.key < $1.key }.map { ($0.key, int($0.value)) }))
        }
        return [
            "total_requests": int(totalRequests),
            "in_flight": int(inFlight),
            "paths": .object(JSONObject(paths.sorted { $0.key < $1.key }.map {
                ($0.key, ["requests": int($0.value.requests), "statuses": counts($0.value.statuses)])
            })),
            "models": counts(models),
            "faults": counts(faults),
            "unique_bodies": int(uniqueBodies),
            "prompt_tokens": int(promptTokens),
            "completion_tokens": int(completionTokens),
            "seeded_requests": int(seededRequests),
            "structured_requests": int(structuredRequests),
            "batches": [
                "created": int(batches.created), "requests_submitted": int(batches.requestsSubmitted),
                "by_provider": counts(batches.byProvider),
            ],
        ]
    }
}
