import ArgumentParser
import Foundation
import PrefabSimulator

/// `prefab-sim`: runs `SimulatorServer` until SIGINT or SIGTERM. Parsing only; the library does
/// the work.
@main
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prefab-sim",
        abstract: "An OpenAI- and Anthropic-compatible simulator for tests and benchmarks.",
        discussion: """
        Prints 'prefab-sim listening on http://HOST:PORT' as its first line, then serves until \
        SIGINT or SIGTERM. Per-request faults: the x-sim-fault and x-sim-fail-times headers. \
        Counters: GET /sim/stats, POST /sim/reset.
        """
    )

    @Option(help: "Port to listen on (0: any free port).")
    var port: Int = 0

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Seed for answers and random faults.")
    var seed: UInt64 = 0

    @Option(help: "Length of plain-text answers in words (a request's max_tokens caps it).")
    var words: Int = 40

    @Option(help: "Delay before answers: none, fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN_MS:SIGMA.")
    var latency: String = "none"

    @Option(name: .customLong("error-rate"), help: "Injected error statuses and their probabilities, e.g. 500=0.1,503=0.05,429=0.1.")
    var errorRate: String = ""

    @Option(name: .customLong("retry-after"), help: "Retry-After seconds on injected 429 and 503 answers.")
    var retryAfter: Int?

    @Option(name: .customLong("hang-rate"), help: "Probability of never answering.")
    var hangRate: Double = 0

    @Option(name: .customLong("malformed-rate"), help: "Probability of a 200 with invalid JSON.")
    var malformedRate: Double = 0

    @Option(name: .customLong("truncate-rate"), help: "Probability of a body cut short of its Content-Length.")
    var truncateRate: Double = 0

    @Option(name: .customLong("reset-rate"), help: "Probability of a connection reset instead of an answer.")
    var resetRate: Double = 0

    @Option(name: .customLong("unparseable-rate"), help: "Probability of prose instead of the JSON a schema asked for.")
    var unparseableRate: Double = 0

    @Option(name: .customLong("api-key-env"), help: "Name of the environment variable holding the API key clients must send.")
    var apiKeyEnv: String?

    @Option(help: "Model ids listed by /v1/models, comma-separated.")
    var models: String = "sim-model"

    @Option(name: .customLong("embedding-dimensions"), help: "Length of embedding vectors.")
    var embeddingDimensions: Int = 64

    @Option(name: .customLong("context-window"), help: "A model context in tokens (words): longer chat requests get llama.cpp's HTTP 400, and GET /props reports it.")
    var contextWindow: Int?

    @Option(help: "Event-loop threads (0: one per core).")
    var threads: Int = 0

    @Option(name: .customLong("answer-style"), help: "Plain-text answers: plain, or ultrafeedback-text (rating sections for UltraFeedback annotation prompts, as distilabel parses them).")
    var answerStyle: String = "plain"

    @Option(name: .customLong("batch-delay"), help: "Seconds from a batch's creation until it completes (OpenAI /v1/batches, Anthropic /v1/messages/batches).")
    var batchDelay: Double = 0

    @Option(name: .customLong("batch-faults"), help: "Batch faults, comma-separated: expire[=N], cancel[=N], partial[=N], truncate-upload[=N] (the first N batches or uploads), fail=RATE (per-request errors).")
    var batchFaults: String = ""

    func run() async throws {
        let configuration = try makeConfiguration()
        let server = SimulatorServer(configuration: configuration)
        try await server.start()
        // Written straight to the file descriptor: scripts wait for this line.
        FileHandle.standardOutput.write(Data("prefab-sim listening on \(server.baseURL)\n".utf8))
        let signal = await Self.nextTerminationSignal()
        try await server.stop()
        FileHandle.standardError.write(Data("prefab-sim stopped (\(signal == SIGINT ? "SIGINT" : "SIGTERM"))\n".utf8))
    }

    private func makeConfiguration() throws -> SimulatorConfiguration {
        do {
            var apiKey: String?
            if let apiKeyEnv {
                guard let value = ProcessInfo.processInfo.environment[apiKeyEnv], !value.isEmpty else {
                    throw ValidationError("--api-key-env \(apiKeyEnv): the environment variable \(apiKeyEnv) is not set or empty")
                }
                apiKey = value
            }
            let configuration = SimulatorConfiguration(
                host: host, port: port, seed: seed, responseWords: words,
                latency: try .init(parsing: latency),
                errorRates: try SimulatorConfiguration.parseErrorRates(errorRate),
                retryAfterSeconds: retryAfter, hangRate: hangRate, malformedRate: malformedRate,
                truncateRate: truncateRate, resetRate: resetRate, unparseableRate: unparseableRate,
                apiKey: apiKey, embeddingDimensions: embeddingDimensions,
                models: models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                threads: threads,
                answerStyle: try .init(parsing: answerStyle),
                contextWindow: contextWindow,
                batchDelaySeconds: batchDelay,
                batchFaults: try BatchFaults(parsing: batchFaults)
            )
            try configuration.validate()
            return configuration
        } catch let error as SimulatorConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// Waits for SIGINT or SIGTERM and returns which one came.
    private static func nextTerminationSignal() async -> Int32 {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "prefab-sim.signals")
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        var iterator = stream.makeAsyncIterator()
        let received = await iterator.next() ?? SIGTERM
        sources.forEach { $0.cancel() }
        return received
    }
}
