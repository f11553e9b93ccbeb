import ArgumentParser
import Foundation

/// Chat completions per second through Prefab's client against a zero-latency simulator. The
/// script `Benchmarks/endpoints-throughput.sh` runs it beside Python's `AsyncOpenAI` and prints
/// the ratios.
struct EndpointThroughputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints-throughput",
        abstract: "Chat completions per second and CPU seconds through Prefab's endpoint client.")

    @Option(help: "OpenAI-compatible base URL, e.g. http://127.0.0.1:PORT/v1.")
    var baseURL: String

    @Option(help: "Model id to request.")
    var model: String = "sim-model"

    @Option(help: "Requests to time (after a warm-up of one per worker).")
    var requests: Int = 10_000

    @Option(help: "Requests in flight at once.")
    var concurrency: Int = 64

    @Option(help: "max_tokens per request.")
    var maxTokens: Int = 64

    func run() async throws {
        let load = try EndpointLoad(baseURL: baseURL, model: model, concurrency: concurrency, maxTokens: maxTokens)
        _ = await load.run(requests: concurrency, offset: -concurrency)
        let result = await load.run(requests: requests)
        if let firstError = result.firstError {
            FileHandle.standardError.write(Data("first error: \(firstError)\n".utf8))
        }
        print(String(
            format: #"{"client": "prefab", "requests": %d, "errors": %d, "seconds": %.3f, "rps": %.1f, "cpu_seconds": %.3f}"#,
            result.requests, result.errors, result.seconds, result.requestsPerSecond, result.cpuSeconds))
        if result.errors > 0 { throw ExitCode(1) }
    }
}
