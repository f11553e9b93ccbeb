import Foundation
import PrefabShards
import PrefabSimulator
import PrefabTestSupport
import Testing
@testable import PrefabLLM

/// The batch client against prefab-sim's batch routes: OpenAI's Files + Batch APIs and
/// Anthropic's Message Batches, each request answered as its synchronous endpoint answers it.
@Suite struct BatchAPITests {
    static let requests = (0..<4).map { SimFixture.ask("Batch question \($0): why is the sky blue?", GenerationParameters(temperature: 0.5, maxTokens: 30)) }
        + [SimFixture.ask("With log-probabilities", GenerationParameters(maxTokens: 6, n: 2, topLogprobs: 2))]

    /// `response` with the fields that belong to one exchange (latency, id) taken from `other`.
    static func sameAnswer(_ response: ChatResponse, _ other: ChatResponse) -> Bool {
        var response = response
        response.latency = other.latency
        response.id = other.id
        response.cached = other.cached
        return response == other
    }

    /// Writes `requests` as one batch file for `client`; returns its path and the keys.
    static func write(_ requests: [ChatRequest], for client: EndpointClient, in directory: String) throws -> (path: String, keys: [String]) {
        let writer = BatchFileWriter(anthropic: client.speaksAnthropic, maxRequests: 1000, maxBytes: 1 << 20) { "\(directory)/b\($0).jsonl" }
        var keys: [String] = []
        for request in requests where !(client.speaksAnthropic && request.parameters.n != nil) {
            let key = CacheKey.chat(request, identity: client.identity)
            try writer.append(customID: key, body: try #require(client.batchBody(for: request)).body)
            keys.append(key)
        }
        let files = try writer.finish()
        #expect(files.count == 1)
        return (files[0].path, keys)
    }

    /// Polls until the batch is over; returns its last status.
    static func wait(_ api: BatchAPI, _ id: String) async throws -> BatchStatus {
        for _ in 0..<500 {
            let status = try await api.retrieve(id)
            if status.isOver { return status }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw WireError("batch \(id) never ended")
    }

    static func results(_ api: BatchAPI, _ status: BatchStatus) async throws -> [String: BatchResult.Outcome] {
        var results: [String: BatchResult.Outcome] = [:]
        let scratch = NSTemporaryDirectory() + "prefab-batch-results-\(UUID().uuidString)"
        try await api.forEachResult(of: status, scratch: scratch) { results[$0.customID] = $0.outcome }
        // The results were downloaded into the scratch file and read from it; it is gone now.
        #expect(!FileManager.default.fileExists(atPath: scratch))
        return results
    }

    @Test func anOpenAIBatchAnswersEveryRequestAsTheSynchronousEndpointDoes() async throws {
        try await SimFixture.with(SimulatorConfiguration(responseWords: 10, threads: 2, batchDelaySeconds: 0.05)) { sim in
            let directory = try TemporaryDirectory()
            let client = try EndpointClient(configuration: sim.openAI())
            let api = BatchAPI(client: client)
            let (path, keys) = try Self.write(Self.requests, for: client, in: directory.path)
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let uploaded = try await api.upload(path: path, name: "prefab-b0.jsonl")
            #expect(uploaded.bytes == size)
            #expect(try await api.file(named: "prefab-b0.jsonl")?.id == uploaded.id)
            let created = try await api.create(fileID: uploaded.id, path: path, marker: "prefab-b0.jsonl", structured: false, completionWindow: "24h")
            #expect(["validating", "in_progress", "finalizing"].contains(created.state))
            #expect(created.total == 5)
            #expect(try await api.list().first?.marker == "prefab-b0.jsonl")
            let ended = try await Self.wait(api, created.id)
            #expect(ended.state == "completed")
            #expect(ended.succeeded == 5)
            let results = try await Self.results(api, ended)
            #expect(results.count == 5)
            for (request, key) in zip(Self.requests, keys) {
                guard case .succeeded(let body)? = results[key] else {
                    Issue.record("no answer for \(key)")
                    continue
                }
                let batched = try client.parseBatchAnswer(body, model: "sim-model")
                let direct = try await client.chat(request)
                #expect(Self.sameAnswer(batched, direct))
            }
            let stats = sim.server.stats().batches
            #expect(stats.created == 1)
            #expect(stats.requestsSubmitted == 5)
            #expect(stats.byProvider == ["openai": 1])
        }
    }

    @Test func anAnthropicMessageBatchAnswersEveryRequestAsTheSynchronousEndpointDoes() async throws {
        try await SimFixture.with(SimulatorConfiguration(responseWords: 10, threads: 2, batchDelaySeconds: 0.05)) { sim in
            let directory = try TemporaryDirectory()
            let client = try EndpointClient(configuration: sim.anthropic())
            let api = BatchAPI(client: client)
            let requests = Self.requests.filter { $0.parameters.n == nil }  // Anthropic: one answer per call
            #expect(client.batchBody(for: Self.requests[4]) == nil)
            let (path, keys) = try Self.write(requests, for: client, in: directory.path)
            let created = try await api.create(fileID: nil, path: path, marker: "m", structured: false, completionWindow: "24h")
            #expect(created.state == "in_progress")
            #expect(created.total == 4)
            let ended = try await Self.wait(api, created.id)
            #expect(ended.state == "ended")
            #expect(ended.resultsURL != nil)
            let results = try await Self.results(api, ended)
            for (request, key) in zip(requests, keys) {
                guard case .succeeded(let body)? = results[key] else {
                    Issue.record("no answer for \(key)")
                    continue
                }
                #expect(Self.sameAnswer(try client.parseBatchAnswer(body, model: "sim-claude"), try await client.chat(request)))
            }
            #expect(sim.server.stats().batches.byProvider == ["anthropic": 1])
        }
    }

    @Test func batchFaultsLeaveRequestsUnansweredOrFailed() async throws {
        let faults = BatchFaults(expire: 1, cancel: 2, partial: 3, truncateUpload: 1, failRate: 0)
        try await SimFixture.with(SimulatorConfiguration(responseWords: 6, threads: 2, batchFaults: faults)) { sim in
            let directory = try TemporaryDirectory()
            let client = try EndpointClient(configuration: sim.openAI())
            let api = BatchAPI(client: client)
            let (path, _) = try Self.write(Self.requests, for: client, in: directory.path)
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            // The first upload keeps half its bytes: the size tells.
            let cut = try await api.upload(path: path, name: "f.jsonl")
            #expect(cut.bytes < size)
            let whole = try await api.upload(path: path, name: "f.jsonl")
            #expect(whole.bytes == size)
            var outcomes: [(String, Int, Int)] = []
            for _ in 0..<4 {
                let created = try await api.create(fileID: whole.id, path: path, marker: "f", structured: false, completionWindow: "24h")
                let ended = try await Self.wait(api, created.id)
                let results = try await Self.results(api, ended)
                let succeeded = results.values.filter { if case .succeeded = $0 { true } else { false } }.count
                outcomes.append((ended.state, succeeded, results.count))
            }
            // Batch 0 expires (every request in the error file), 1 is cancelled (nothing), 2
            // completes with half its answers missing, 3 completes whole.
            #expect(outcomes[0].0 == "expired" && outcomes[0].1 == 0 && outcomes[0].2 == 5)
            #expect(outcomes[1].0 == "cancelled" && outcomes[1].2 == 0)
            #expect(outcomes[2].0 == "completed" && outcomes[2].1 == 2)
            #expect(outcomes[3].0 == "completed" && outcomes[3].1 == 5)
        }
    }

    @Test func perRequestFailuresAreReportedWithTheirStatus() async throws {
        try await SimFixture.with(SimulatorConfiguration(threads: 2, batchFaults: BatchFaults(failRate: 0.5))) { sim in
            let directory = try TemporaryDirectory()
            for configuration in [sim.openAI(), sim.anthropic()] {
                let client = try EndpointClient(configuration: configuration)
                let api = BatchAPI(client: client)
                let many = (0..<40).map { SimFixture.ask("q\($0)", GenerationParameters(maxTokens: 8)) }
                let (path, _) = try Self.write(many, for: client, in: directory.path + "/" + configuration.name)
                var fileID: String?
                if !api.anthropic { fileID = try await api.upload(path: path, name: "x").id }
                let ended = try await Self.wait(api, try await api.create(fileID: fileID, path: path, marker: "x", structured: false, completionWindow: "24h").id)
                let results = try await Self.results(api, ended)
                let failed = results.values.filter { if case .failed = $0 { true } else { false } }.count
                #expect(results.count == 40)
                #expect((5...35).contains(failed), "\(failed) of 40 failed")
            }
        }
    }

    @Test func cancellingARunningBatchEndsIt() async throws {
        try await SimFixture.with(SimulatorConfiguration(threads: 2, batchDelaySeconds: 3_600)) { sim in
            let directory = try TemporaryDirectory()
            for configuration in [sim.openAI(), sim.anthropic()] {
                let client = try EndpointClient(configuration: configuration)
                let api = BatchAPI(client: client)
                let (path, _) = try Self.write(Self.requests, for: client, in: directory.path + "/" + configuration.name)
                let fileID = api.anthropic ? nil : try await api.upload(path: path, name: "c").id
                let created = try await api.create(fileID: fileID, path: path, marker: "c", structured: false, completionWindow: "24h")
                let cancelling = try await api.cancel(created.id)
                #expect(cancelling.state == (api.anthropic ? "canceling" : "cancelling"))
                let ended = try await Self.wait(api, created.id)
                #expect(ended.state == (api.anthropic ? "ended" : "cancelled"))
            }
        }
    }

    @Test func theWriterCutsFilesAtTheRequestAndByteLimits() throws {
        let directory = try TemporaryDirectory()
        let body: JSONValue = ["model": "m", "messages": [["role": "user", "content": .string(String(repeating: "x", count: 200))]]]
        let key = String(repeating: "a", count: 64)
        let byCount = BatchFileWriter(anthropic: false, maxRequests: 3, maxBytes: 1 << 20) { "\(directory.path)/c\($0).jsonl" }
        for _ in 0..<7 { try byCount.append(customID: key, body: body) }
        #expect(try byCount.finish().map(\.requests) == [3, 3, 1])
        let line = BatchFileWriter.line(customID: key, body: body, anthropic: false).count
        let byBytes = BatchFileWriter(anthropic: true, maxRequests: 100, maxBytes: 1024) { "\(directory.path)/b\($0).jsonl" }
        for _ in 0..<10 { try byBytes.append(customID: key, body: body) }
        let files = try byBytes.finish()
        #expect(files.allSatisfy { $0.bytes <= 1024 })
        #expect(files.map(\.requests).reduce(0, +) == 10)
        #expect(files[0].requests == 1024 / BatchFileWriter.line(customID: key, body: body, anthropic: true).count)
        #expect(line > BatchFileWriter.line(customID: key, body: body, anthropic: true).count)
        for file in files {
            let text = try String(contentsOfFile: file.path, encoding: .utf8)
            #expect(text.split(separator: "\n").count == file.requests)
            #expect(text.split(separator: "\n").allSatisfy { (try? JSONValue(parsing: String($0)))?["params"] == body })
        }
    }

    @Test func theBatchBlockAndBatchPricesDecode() throws {
        let yaml = #"{"name":"o","provider":"openai-compatible","base_url":"https://x/v1","model":"m","price":{"input_per_million":2,"output_per_million":8},"batch":{"max_requests":100,"max_bytes":"100MB","poll":"5m","fallback":"sync"}}"#
        let endpoint = try JSONDecoder().decode(EndpointConfiguration.self, from: Data(yaml.utf8))
        let batch = try #require(endpoint.batching)
        #expect(batch.maxRequests == 100)
        #expect(batch.maxBytes == 100_000_000)
        #expect(batch.poll == 300)
        #expect(batch.fallback == .sync)
        #expect(batch.completionWindow == "24h")
        #expect(endpoint.price?.batch == Price(inputPerMillion: 1, outputPerMillion: 4))
        var priced = try #require(endpoint.price)
        priced.batchInputPerMillion = 0.5
        #expect(priced.batch.inputPerMillion == 0.5)
        var local = endpoint
        local.provider = .local
        #expect(throws: EndpointError.self) { try local.validate() }
        #expect(BatchConfiguration.seconds("500ms") == 0.5)
        #expect(BatchConfiguration.seconds("2h") == 7200)
        #expect(BatchConfiguration.seconds("soon") == nil)
    }
}
