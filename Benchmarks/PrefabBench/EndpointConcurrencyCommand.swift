import ArgumentParser
import Foundation
import PrefabLLM

/// Many requests in flight against a simulator with fixed latency. Little's law bounds the
/// throughput at in-flight / latency; this measures how close Prefab gets, and its peak memory.
///
/// Each of `--in-flight` workers sends its next request as soon as the previous one is answered.
/// Workers start spread over `--ramp-seconds` (as independent callers would), so answers arrive
/// steadily rather than in one burst per latency period; completions are counted over a window
/// that opens once every worker has had a full cycle. `--ramp-seconds 0` starts all workers at
/// once instead (the worst case: every request of a round arrives and returns together); as
/// answers then come in bursts, a window would alias, so that mode counts every answer from the
/// start to the last one.
struct EndpointConcurrencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints-concurrency",
        abstract: "Requests per second with N in flight against a fixed-latency simulator, vs Little's law.")

    @Option(help: "OpenAI-compatible base URL of a simulator started with --latency fixed:MS.")
    var baseURL: String

    @Option(help: "Model id to request.")
    var model: String = "sim-model"

    @Option(help: "Requests in flight at once.")
    var inFlight: Int = 1024

    @Option(help: "The simulator's latency in milliseconds (for the Little's law bound).")
    var latencyMs: Double = 1000

    @Option(help: "Seconds over which the workers start.")
    var rampSeconds: Double = 1

    @Option(help: "Seconds of the measurement window.")
    var windowSeconds: Double = 5

    @Option(help: "max_tokens per request.")
    var maxTokens: Int = 16

    func run() async throws {
        let client = try EndpointClient(configuration: EndpointConfiguration(
            name: "bench", provider: .openAICompatible, baseURL: baseURL, model: model,
            limits: EndpointLimits(maxConcurrent: inFlight, adaptive: false),
            timeouts: Timeouts(connect: 30, request: 120),
            retry: RetryPolicy(maxAttempts: 1)))
        let clock = ContinuousClock()
        let start = clock.now
        let latency = Duration.milliseconds(Int64(latencyMs))
        let ramp = Duration.milliseconds(Int64(rampSeconds * 1000))
        let bursts = rampSeconds == 0
        let windowStart = bursts ? start : start + ramp + latency
        let windowEnd = windowStart + .milliseconds(Int64(windowSeconds * 1000))
        let cpuBefore = ProcessMeasurements.cpuSeconds
        let workers = inFlight
        let maxTokens = maxTokens

        let tallies = await withTaskGroup(of: Tally.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var tally = Tally()
                    try? await Task.sleep(until: start + ramp * (Double(worker) / Double(workers)))
                    var index = 0
                    while clock.now < windowEnd {
                        let request = ChatRequest(
                            messages: [.user("Worker \(worker) question \(index).")],
                            parameters: GenerationParameters(maxTokens: maxTokens))
                        index += 1
                        let sent = clock.now
                        do {
                            _ = try await client.chat(request)
                        } catch {
                            tally.errors += 1
                            tally.firstError = tally.firstError ?? "\(error)"
                            continue
                        }
                        let answered = clock.now
                        tally.lastAnswer = max(tally.lastAnswer, Self.seconds(answered - start))
                        if bursts || (answered >= windowStart && answered < windowEnd) {
                            tally.completed += 1
                            tally.latency += Self.seconds(answered - sent)
                        }
                    }
                    return tally
                }
            }
            return await group.reduce(into: Tally()) { total, tally in
                total.completed += tally.completed
                total.errors += tally.errors
                total.latency += tally.latency
                total.firstError = total.firstError ?? tally.firstError
                total.lastAnswer = max(total.lastAnswer, tally.lastAnswer)
            }
        }
        let cpu = ProcessMeasurements.cpuSeconds - cpuBefore

        if let firstError = tallies.firstError {
            FileHandle.standardError.write(Data("first error: \(firstError)\n".utf8))
        }
        let rate = Double(tallies.completed) / (bursts ? tallies.lastAnswer : windowSeconds)
        let meanLatency = tallies.latency / Double(max(1, tallies.completed))
        let bound = Double(inFlight) / (latencyMs / 1000)
        let peakMB = Double(ProcessMeasurements.peakResidentBytes) / 1_048_576
        print(String(
            format: #"{"client": "prefab", "in_flight": %d, "ramp_seconds": %.1f, "window_seconds": %.1f, "completed": %d, "errors": %d, "rps": %.1f, "littles_law_rps": %.1f, "efficiency": %.4f, "mean_latency_s": %.4f, "peak_rss_mb": %.1f, "cpu_seconds": %.3f}"#,
            inFlight, rampSeconds, windowSeconds, tallies.completed, tallies.errors, rate, bound, rate / bound,
            meanLatency, peakMB, cpu))
        if tallies.errors > 0 { throw ExitCode(1) }
    }

    private struct Tally: Sendable {
        var completed = 0
        var errors = 0
        var latency = 0.0
        var firstError: String?
        /// Seconds from the start to the last answer.
        var lastAnswer = 0.0
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
