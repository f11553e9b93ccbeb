import Foundation
import PrefabShards

/// Everything that shapes how a `SimulatorServer` answers: where it listens, how long and how
/// varied its answers are, and which faults it injects at random.
///
/// Random faults and latencies come from a generator seeded with `seed`, so a run with the same
/// configuration and the same request order sees the same faults. Tests that need a fault on one
/// particular request use the `x-sim-fault` header instead (see `FaultPlan`).
public struct SimulatorConfiguration: Sendable, Equatable {
    /// How long the server waits before it answers a request.
    public enum Latency: Sendable, Equatable, CustomStringConvertible {
        /// Answer at once.
        case none
        /// Always wait this many milliseconds.
        case fixed(milliseconds: Double)
        /// Wait a uniformly drawn number of milliseconds in `min...max`.
        case uniform(minMilliseconds: Double, maxMilliseconds: Double)
        /// Wait `median * exp(sigma * z)` milliseconds, z standard normal: the long right tail
        /// real model servers show.
        case logNormal(medianMilliseconds: Double, sigma: Double)

        /// Parses the command-line form: `none`, `fixed:MS`, `uniform:MIN:MAX` or
        /// `lognormal:MEDIAN_MS:SIGMA`.
        public init(parsing text: String) throws(SimulatorConfigurationError) {
            let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            func number(_ part: String) throws(SimulatorConfigurationError) -> Double {
                guard let value = Double(part), value.isFinite, value >= 0 else {
                    throw .invalidLatency(text, reason: "'\(part)' is not a non-negative number")
                }
                return value
            }
            switch (parts.first ?? "", parts.count) {
            case ("none", 1), ("0", 1):
                self = .none
            case ("fixed", 2):
                self = .fixed(milliseconds: try number(parts[1]))
            case ("uniform", 3):
                let low = try number(parts[1]), high = try number(parts[2])
                guard low <= high else { throw .invalidLatency(text, reason: "MIN is larger than MAX") }
                self = .uniform(minMilliseconds: low, maxMilliseconds: high)
            case ("lognormal", 3):
                self = .logNormal(medianMilliseconds: try number(parts[1]), sigma: try number(parts[2]))
            default:
                throw .invalidLatency(text, reason: "expected none, fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN_MS:SIGMA")
            }
        }

        public var description: String {
            switch self {
            case .none: "none"
            case .fixed(let ms): "fixed:\(ms)"
            case .uniform(let low, let high): "uniform:\(low):\(high)"
            case .logNormal(let median, let sigma): "lognormal:\(median):\(sigma)"
            }
        }

        /// Draws one delay in milliseconds.
        func sample(using generator: inout SplitMix64) -> Double {
            switch self {
            case .none: 0
            case .fixed(let ms): ms
            case .uniform(let low, let high): low + (high - low) * generator.nextUnit()
            case .logNormal(let median, let sigma): median * exp(sigma * generator.nextNormal())
            }
        }
    }

    /// Address to bind. Default `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks any free port (read it back from `SimulatorServer.start()`).
    public var port: Int
    /// Seeds answers (together with each request's content) and the random fault generator.
    public var seed: UInt64
    /// Length of a plain-text answer in words, before a request's `max_tokens` caps it.
    public var responseWords: Int
    /// Delay before each answer.
    public var latency: Latency
    /// Probability, per request, of answering with an error status instead: `[500: 0.1, 429: 0.05]`.
    public var errorRates: [Int: Double]
    /// `Retry-After` seconds sent with injected 429 and 503 answers; `nil` sends no header.
    public var retryAfterSeconds: Int?
    /// Probability of never answering (until the client closes the connection).
    public var hangRate: Double
    /// Probability of a 200 whose body is not valid JSON.
    public var malformedRate: Double
    /// Probability of a response whose body is cut short of its `Content-Length`.
    public var truncateRate: Double
    /// Probability of closing the connection (with a TCP reset) instead of answering.
    public var resetRate: Double
    /// Probability of a well-formed answer whose message text ignores the requested JSON schema
    /// (free text instead of JSON): the "judge wrote something unparseable" case.
    public var unparseableRate: Double
    /// When set, `/v1/` requests must carry `Authorization: Bearer KEY` or `x-api-key: KEY`.
    public var apiKey: String?
    /// Length of the vectors `/v1/embeddings` returns (a request's `dimensions` overrides it).
    public var embeddingDimensions: Int
    /// Model ids listed by `/v1/models`. Requests may name any model.
    public var models: [String]
    /// Event-loop threads; defaults to the number of cores.
    public var threads: Int
    /// Requests with larger bodies get 413.
    public var maxBodyBytes: Int
    /// Shape of plain-text chat answers; a request's `x-sim-answer-style` header overrides it.
    public var answerStyle: AnswerStyle
    /// The model's context in (simulated) tokens, as llama.cpp enforces a slot's: a chat request
    /// whose messages and `max_tokens` need more gets llama.cpp's HTTP 400 "exceeds the
    /// available context size", and `GET /props` reports it. Nil: no limit and no `/props`.
    public var contextWindow: Int?
    /// Seconds from a batch's creation until it completes (`--batch-delay`); it shows
    /// `validating`, `in_progress` and `finalizing` on the way.
    public var batchDelaySeconds: Double
    /// Faults injected into batches (`--batch-faults`).
    public var batchFaults: BatchFaults

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        seed: UInt64 = 0,
        responseWords: Int = 40,
        latency: Latency = .none,
        errorRates: [Int: Double] = [:],
        retryAfterSeconds: Int? = nil,
        hangRate: Double = 0,
        malformedRate: Double = 0,
        truncateRate: Double = 0,
        resetRate: Double = 0,
        unparseableRate: Double = 0,
        apiKey: String? = nil,
        embeddingDimensions: Int = 64,
        models: [String] = ["sim-model"],
        threads: Int = 0,
        maxBodyBytes: Int = 32 << 20,
        answerStyle: AnswerStyle = .plain,
        contextWindow: Int? = nil,
        batchDelaySeconds: Double = 0,
        batchFaults: BatchFaults = BatchFaults()
    ) {
        self.host = host
        self.port = port
        self.seed = seed
        self.responseWords = responseWords
        self.latency = latency
        self.errorRates = errorRates
        self.retryAfterSeconds = retryAfterSeconds
        self.hangRate = hangRate
        self.malformedRate = malformedRate
        self.truncateRate = truncateRate
        self.resetRate = resetRate
        self.unparseableRate = unparseableRate
        self.apiKey = apiKey
        self.embeddingDimensions = embeddingDimensions
        self.models = models
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.answerStyle = answerStyle
        self.contextWindow = contextWindow
        self.batchDelaySeconds = batchDelaySeconds
        self.batchFaults = batchFaults
    }

    /// Parses the command-line form of error rates: `500=0.1,503=0.05,429=0.1`.
    public static func parseErrorRates(_ text: String) throws(SimulatorConfigurationError) -> [Int: Double] {
        var rates: [Int: Double] = [:]
        for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let status = Int(pair[0]), (400...599).contains(status) else {
                throw .invalidErrorRate(String(item), reason: "expected STATUS=PROBABILITY with STATUS in 400...599")
            }
            guard let rate = Double(pair[1]), (0...1).contains(rate) else {
                throw .invalidErrorRate(String(item), reason: "the probability must be a number in 0...1")
            }
            rates[status] = rate
        }
        return rates
    }

    /// Checks rates, sizes and names; `SimulatorServer.start()` calls it.
    public func validate() throws(SimulatorConfigurationError) {
        guard (0...65535).contains(port) else { throw .invalidValue("port", "\(port)", reason: "must be in 0...65535") }
        if let contextWindow, contextWindow < 1 {
            throw .invalidValue("contextWindow", "\(contextWindow)", reason: "must be at least 1")
        }
        guard responseWords >= 1 else { throw .invalidValue("responseWords", "\(responseWords)", reason: "must be at least 1") }
        guard (1...65536).contains(embeddingDimensions) else {
            throw .invalidValue("embeddingDimensions", "\(embeddingDimensions)", reason: "must be in 1...65536")
        }
        let rates: [(String, Double)] = [
            ("hangRate", hangRate), ("malformedRate", malformedRate), ("truncateRate", truncateRate),
            ("resetRate", resetRate), ("unparseableRate", unparseableRate),
        ] + errorRates.sorted { $0.key < $1.key }.map { ("errorRates[\($0.key)]", $0.value) }
        for (name, rate) in rates where !(0...1).contains(rate) {
            throw .invalidValue(name, "\(rate)", reason: "must be a probability in 0...1")
        }
        for status in errorRates.keys where !(400...599).contains(status) {
            throw .invalidValue("errorRates", "\(status)", reason: "statuses must be in 400...599")
        }
        let total = rates.map(\.1).reduce(0, +) - unparseableRate
        guard total <= 1 + 1e-9 else {
            throw .invalidValue("fault rates", "\(total)", reason: "hang, malformed, truncate, reset and error rates must add up to at most 1")
        }
        if let retryAfterSeconds, retryAfterSeconds < 0 {
            throw .invalidValue("retryAfterSeconds", "\(retryAfterSeconds)", reason: "must not be negative")
        }
        if let apiKey, apiKey.isEmpty { throw .invalidValue("apiKey", "(empty)", reason: "must not be empty when set") }
        guard !models.isEmpty else { throw .invalidValue("models", "[]", reason: "list at least one model id") }
        guard batchDelaySeconds >= 0, batchDelaySeconds.isFinite else {
            throw .invalidValue("batchDelaySeconds", "\(batchDelaySeconds)", reason: "must be a non-negative number of seconds")
        }
        guard maxBodyBytes > 0 else { throw .invalidValue("maxBodyBytes", "\(maxBodyBytes)", reason: "must be positive") }
    }
}
