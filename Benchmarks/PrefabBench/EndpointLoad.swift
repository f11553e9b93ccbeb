import Foundation
import PrefabLLM

/// Drives `requests` chat completions through an endpoint client from `concurrency` workers,
/// each sending its next request as soon as the previous one is answered (a closed loop).
struct EndpointLoad {
    struct Result {
        var requests: Int
        var errors: Int
        var seconds: Double
        var cpuSeconds: Double
        var firstError: String?
        /// Mean seconds from a request's start to its answer, as the caller saw it.
        var meanLatency: Double
        /// Mean seconds of the HTTP exchange alone, as libcurl timed it.
        var meanTransferTime: Double

        var requestsPerSecond: Double { Double(requests) / seconds }
    }

    let client: EndpointClient
    let concurrency: Int
    let maxTokens: Int

    init(baseURL: String, model: String, concurrency: Int, maxTokens: Int) throws {
        self.concurrency = concurrency
        self.maxTokens = maxTokens
        client = try EndpointClient(configuration: EndpointConfiguration(
            name: "bench", provider: .openAICompatible, baseURL: baseURL, model: model,
            limits: EndpointLimits(maxConcurrent: concurrency, adaptive: false),
            timeouts: Timeouts(connect: 30, request: 120),
            retry: RetryPolicy(maxAttempts: 1)))
    }

    func run(requests: Int, offset: Int = 0) async -> Result {
        let counter = Counter()
        let cpuBefore = ProcessMeasurements.cpuSeconds
        let clock = ContinuousClock()
        let start = clock.now
        let (errors, firstError, latency, transfer) = await withTaskGroup(of: (Int, String?, Double, Double).self) { group in
            for _ in 0..<min(concurrency, requests) {
                group.addTask {
                    var errors = 0
                    var firstError: String?
                    var latency = 0.0
                    var transfer = 0.0
                    while let index = counter.next(below: requests) {
                        let request = ChatRequest(
                            messages: [.user("Benchmark question number \(offset + index).")],
                            parameters: GenerationParameters(maxTokens: maxTokens))
                        let started = clock.now
                        do {
                            let response = try await client.chat(request)
                            transfer += response.latency
                            let elapsed = clock.now - started
                            latency += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                        } catch {
                            errors += 1
                            if firstError == nil { firstError = "\(error)" }
                        }
                    }
                    return (errors, firstError, latency, transfer)
                }
            }
            var errors = 0
            var firstError: String?
            var latency = 0.0
            var transfer = 0.0
            for await (count, message, workerLatency, workerTransfer) in group {
                errors += count
                firstError = firstError ?? message
                latency += workerLatency
                transfer += workerTransfer
            }
            return (errors, firstError, latency, transfer)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Result(
            requests: requests, errors: errors, seconds: seconds,
            cpuSeconds: ProcessMeasurements.cpuSeconds - cpuBefore, firstError: firstError,
            meanLatency: latency / Double(max(1, requests - errors)),
            meanTransferTime: transfer / Double(max(1, requests - errors)))
    }
}

/// Hands out request indices to workers.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
