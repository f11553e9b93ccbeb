import ArgumentParser
import Foundation
import PrefabLLM
import PrefabShards

/// Writing and reading batch files: the requests of a run as OpenAI batch JSONL (the
/// synchronous bodies, through `BatchFileWriter`), and a batch's output file back into
/// responses (`BatchResult` + the wire parser the synchronous client uses). The target is
/// 100,000 requests a second each way on one core; times are the thread's CPU seconds.
struct BatchFilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch-files",
        abstract: "Batch JSONL written and read per second (target: 100,000 requests/s each way, one core).")

    @Option(help: "Requests to write and results to read.")
    var requests: Int = 200_000

    @Option(help: "Where the files go (removed afterwards).")
    var directory: String = NSTemporaryDirectory() + "prefab-bench-batch"

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = try EndpointClient(
            configuration: EndpointConfiguration(name: "bench", provider: .openAICompatible, baseURL: "http://127.0.0.1:9/v1", model: "gpt-bench"),
            environment: [:])
        let question = "Explain, with one worked example, how a hash table keeps lookups fast as it grows, and when it does not."
        let requests = (0..<self.requests).map { index in
            ChatRequest(
                messages: [.system("You are a careful assistant."), .user("\(question) (case \(index))")],
                parameters: GenerationParameters(temperature: 0.7, maxTokens: 256, seed: index), sampleIndex: 0)
        }

        // Writing: key, body and line per request, as a collection round makes them.
        var clock = Self.now()
        let writer = BatchFileWriter(anthropic: false, maxRequests: 50_000, maxBytes: 190_000_000) { "\(directory)/in-\($0).jsonl" }
        for request in requests {
            let key = CacheKey.chat(request, identity: client.identity)
            try writer.append(customID: key, body: client.batchBody(for: request)!.body)
        }
        let files = try writer.finish()
        let writeSeconds = Self.seconds(since: clock)
        // Where the writing time goes: the cache key (computed for the cache lookup in any case),
        // the synchronous body, and the line with its write.
        clock = Self.now()
        var keys: [String] = []
        keys.reserveCapacity(requests.count)
        for request in requests { keys.append(CacheKey.chat(request, identity: client.identity)) }
        let keySeconds = Self.seconds(since: clock)
        // The same keys from the object the key stands for (built, then serialized with its keys
        // sorted): how they were made before they were written directly. Same bytes, same keys.
        clock = Self.now()
        for (request, key) in zip(requests, keys) {
            precondition(Digest.sha256Hex(CacheKey.referenceCanonicalChat(request, identity: client.identity)) == key)
        }
        let referenceKeySeconds = Self.seconds(since: clock)
        clock = Self.now()
        var bodies: [JSONValue] = []
        bodies.reserveCapacity(requests.count)
        for request in requests { bodies.append(client.batchBody(for: request)!.body) }
        let bodySeconds = Self.seconds(since: clock)
        clock = Self.now()
        let lines = BatchFileWriter(anthropic: false, maxRequests: 50_000, maxBytes: 190_000_000) { "\(directory)/lines-\($0).jsonl" }
        for (key, body) in zip(keys, bodies) { try lines.append(customID: key, body: body) }
        _ = try lines.finish()
        let lineSeconds = Self.seconds(since: clock)

        // An output file: one chat completion per request.
        var output = [UInt8]()
        output.reserveCapacity(requests.count * 600)
        for index in 0..<requests.count {
            let key = String(repeating: "0", count: 58) + String(format: "%06d", index % 1_000_000)
            output += Array("""
                {"id":"batch_req_\(index)","custom_id":"\(key)","response":{"status_code":200,"request_id":"req_\(index)","body":{"id":"chatcmpl-\(index)","object":"chat.completion","created":1700000000,"model":"gpt-bench","choices":[{"index":0,"message":{"role":"assistant","content":"A hash table hashes each key to a bucket, so a lookup reads one bucket instead of every entry; it resizes before the buckets fill."},"finish_reason":"stop"}],"usage":{"prompt_tokens":41,"completion_tokens":30,"total_tokens":71}}},"error":null}

                """.utf8)
        }
        let data = Data(output)
        clock = Self.now()
        var answered = 0
        var tokens = 0
        try BatchResult.forEachLine(data) { line in
            let result = try BatchResult.openAI(line: line)
            if case .succeeded(let body) = result.outcome {
                let response = try client.parseBatchAnswer(body, model: "gpt-bench")
                answered += 1
                tokens += response.usage.totalTokens
            }
        }
        let readSeconds = Self.seconds(since: clock)
        precondition(answered == requests.count)
        let megabytes = Double(files.map(\.bytes).reduce(0, +)) / 1_000_000
        print("""
            batch files: \(requests.count) requests in \(files.count) files (\(String(format: "%.1f", megabytes)) MB)
            write: \(Int(Double(requests.count) / writeSeconds)) requests/s (\(String(format: "%.2f", writeSeconds)) CPU s): cache keys \(Int(Double(requests.count) / keySeconds))/s (from a built object: \(Int(Double(requests.count) / referenceKeySeconds))/s), bodies \(Int(Double(requests.count) / bodySeconds))/s, lines written \(Int(Double(requests.count) / lineSeconds))/s
            read:  \(Int(Double(requests.count) / readSeconds)) results/s (\(String(format: "%.2f", readSeconds)) CPU s, \(tokens) tokens)
            target: 100000 requests/s each way
            """)
    }

    /// This thread's CPU time in seconds: "on one core" whatever else the machine runs (the
    /// timed loops are synchronous, so they stay on one thread).
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func seconds(since start: Double) -> Double {
        now() - start
    }
}
