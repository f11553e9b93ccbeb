import Foundation
@testable import Prefab
import PrefabSimulator
import PrefabTestSupport
import Testing

/// An endpoint that will refuse every call (a wrong API key, an unknown model, a request it
/// cannot take) stops the run within the calls already in flight, names the endpoint, the status
/// and the fix, marks no prompt failed, and `prefab run` exits 5.
@Suite("endpoint stops")
struct EndpointStopTests {
    static let keyVariable = "PREFAB_STOP_TEST_KEY"
    static let rightKey = "sk-right-0123456789"
    static let wrongKey = "sk-wrong-9876543210"

    /// A simulator that wants `rightKey`.
    static func withKeyedSimulator(_ body: (SimulatorServer) async throws -> Void) async throws {
        try await JudgingFixtures.withSimulator(SimulatorConfiguration(seed: 11, apiKey: rightKey, threads: 2), body)
    }

    /// The run fixture with `api_key_env` on the endpoints named in `keyed`.
    static func makeRun(
        _ server: SimulatorServer, prompts: Int, keys: [String: String] = ["sim": keyVariable, "judge": keyVariable]
    ) throws -> (directory: String, config: String) {
        let run = try RunFixtures.makeRun(server, prompts: prompts)
        var config = try String(contentsOfFile: run.config, encoding: .utf8)
        for (name, variable) in keys {
            config = config.replacingOccurrences(of: "{name: \(name), ", with: "{name: \(name), api_key_env: \(variable), ")
        }
        try config.write(toFile: run.config, atomically: true, encoding: .utf8)
        return run
    }

    static func pipeline(_ config: String, key: String, environment: [String: String] = [:]) throws -> RunPipeline {
        var pipeline = try RunFixtures.pipeline(config)
        pipeline.environment = environment.merging([keyVariable: key]) { $1 }
        pipeline.writeReport = false
        return pipeline
    }

    static func endpointStop(_ summary: RunSummary) -> EndpointStop? {
        if case .endpoint(let stop)? = summary.stopReason { return stop }
        return nil
    }

    // MARK: The run

    @Test func aRefusedKeyStopsTheRunWithinTheCallsInFlightAndMarksNoPromptFailed() async throws {
        try await Self.withKeyedSimulator { server in
            let run = try Self.makeRun(server, prompts: 60)
            let summary = try await Self.pipeline(run.config, key: Self.wrongKey).run()
            let stop = try #require(Self.endpointStop(summary))
            #expect(stop.status == 401 && stop.kind == .authentication && ["sim", "judge"].contains(stop.endpoint))
            #expect(stop.fix.contains(Self.keyVariable))
            #expect(!"\(stop)".contains(Self.wrongKey) && !"\(stop)".contains(Self.rightKey))
            #expect(summary.failed == 0 && summary.done == 0 && summary.notFinished == 60)
            #expect(!FileManager.default.fileExists(atPath: run.directory + "/out/" + RunPipeline.failuresName))
            // Only the calls in flight at the first refusal: 8 prompts of 3 answers, not 60 × 3.
            #expect(server.stats().requests(path: "/v1/chat/completions") <= 8 * 3)

            // With the right key the next run does every prompt: none was journaled as failed.
            let again = try await Self.pipeline(run.config, key: Self.rightKey).run()
            #expect(again.stopReason == nil && again.done == 60 && again.failed == 0)
        }
    }

    @Test func aJudgeWhoseKeyIsRefusedStopsTheRunTheSameWay() async throws {
        try await Self.withKeyedSimulator { server in
            // The pool's endpoint has the right key; the judge's is wrong.
            let run = try Self.makeRun(server, prompts: 30, keys: ["sim": "PREFAB_STOP_POOL_KEY", "judge": Self.keyVariable])
            let summary = try await Self.pipeline(run.config, key: Self.wrongKey, environment: ["PREFAB_STOP_POOL_KEY": Self.rightKey]).run()
            let stop = try #require(Self.endpointStop(summary))
            #expect(stop.endpoint == "judge" && stop.status == 401 && stop.kind == .authentication)
            #expect(summary.failed == 0 && summary.done == 0 && summary.notFinished == 30)
            #expect(!FileManager.default.fileExists(atPath: run.directory + "/out/" + RunPipeline.failuresName))
        }
    }

    @Test func aRewardModelWhoseKeyIsRefusedStopsTheRunInsteadOfFailingEveryPrompt() async throws {
        try await Self.withKeyedSimulator { server in
            let run = try Self.makeRun(server, prompts: 20, keys: ["sim": "PREFAB_STOP_POOL_KEY", "judge": Self.keyVariable])
            // The simulator's embeddings route stands in for a reward model on the judge endpoint.
            let ensemble = run.directory + "/reward.yaml"
            try """
                schema: 1
                name: reward
                judges:
                  - {name: rm, kind: reward_model, endpoint: judge, model: sim-model, request: text, path: /embeddings, score_path: data.0.embedding.0, range: [-1, 1]}
                aggregation: {method: weighted_mean, overall: fine_grained_mean}
                """.write(toFile: ensemble, atomically: true, encoding: .utf8)
            var config = try String(contentsOfFile: run.config, encoding: .utf8)
            config = config.replacingOccurrences(of: RunFixtures.repository + "/judges/ultrafeedback.yaml", with: ensemble)
            try config.write(toFile: run.config, atomically: true, encoding: .utf8)
            let summary = try await Self.pipeline(run.config, key: Self.wrongKey, environment: ["PREFAB_STOP_POOL_KEY": Self.rightKey]).run()
            let stop = try #require(Self.endpointStop(summary))
            #expect(stop.endpoint == "judge" && stop.status == 401 && stop.kind == .authentication)
            #expect(summary.failed == 0 && summary.done == 0 && summary.notFinished == 20)
            #expect(!FileManager.default.fileExists(atPath: run.directory + "/out/" + RunPipeline.failuresName))
            // At most the calls in flight at the first refusal: no prompt's later answers are scored.
            #expect(server.stats().requests(path: "/v1/embeddings") <= 20)
        }
    }

    @Test func theSameBadRequestOnAnEndpointsFirstCallsStopsTheRun() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 40, headers: "{x-sim-fault: \"status=400\"}")
            var pipeline = try RunFixtures.pipeline(run.config)
            pipeline.writeReport = false
            let summary = try await pipeline.run()
            let stop = try #require(Self.endpointStop(summary))
            #expect(stop.endpoint == "sim" && stop.status == 400 && stop.kind == .badRequest)
            #expect(stop.fix.contains("base_url"))
            #expect(summary.failed == 0 && summary.notFinished == 40)
            #expect(server.stats().requests(path: "/v1/chat/completions") <= 8 * 3)
        }
    }

    @Test func theStopIsWrittenToTheRunSummaryAndReadBack() async throws {
        try await Self.withKeyedSimulator { server in
            let run = try Self.makeRun(server, prompts: 4)
            _ = try await Self.pipeline(run.config, key: Self.wrongKey).run()
            let data = try Data(contentsOf: URL(fileURLWithPath: run.directory + "/out/" + RunPipeline.summaryName))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let reason = try #require(object["stop_reason"] as? [String: Any])
            #expect(reason["name"] as? String == "endpoint" && reason["status"] as? Int == 401 && reason["kind"] as? String == "auth")
            let decoded = try JSONDecoder().decode(RunSummary.self, from: data)
            #expect(decoded.stopReason.flatMap { if case .endpoint(let stop) = $0 { stop } else { nil } }?.status == 401)
        }
    }

    // MARK: prefab run

    @Test func prefabRunPrintsOneMessageNamingTheVariableAndExitsFive() async throws {
        try await Self.withKeyedSimulator { server in
            let run = try Self.makeRun(server, prompts: 20)
            let result = try await JudgingFixtures.run(["run", run.config, "--no-report", "--quiet"], environment: [Self.keyVariable: Self.wrongKey])
            #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
            let stopped = result.stdout.split(separator: "\n").filter { $0.hasPrefix("stopped:") }
            #expect(stopped.count == 1)
            #expect(stopped.first?.contains("HTTP 401") == true && stopped.first?.contains(Self.keyVariable) == true)
            #expect(!result.stdout.contains("failed prompts"))
            #expect(!(result.stdout + result.stderr).contains(Self.wrongKey))
            // No warning per refused call in flight: the stop line says it once.
            #expect(!result.stderr.contains("HTTP 401"), "\(result.stderr)")
        }
    }

    // MARK: prefab sample and prefab judge

    @Test func theSamplerAsksNothingMoreOfAnEndpointThatRefusedItsKey() async throws {
        try await Self.withKeyedSimulator { server in
            var setup = SamplerTests.setup(server, select: .count(2))
            setup.configuration.endpoints[0].apiKeyEnv = Self.keyVariable
            let clients = try EndpointSet(setup.configuration.endpoints, environment: [Self.keyVariable: Self.wrongKey]).chatClients()
            let sampler = try Sampler(setup: setup, clients: clients)
            for prompt in SamplerTests.prompts.prefix(10) {
                let record = await sampler.sample(prompt)
                #expect(record.completions.isEmpty && record.failures.allSatisfy { $0.kind == .auth })
            }
            #expect(sampler.halt.stop?.fix.contains(Self.keyVariable) == true)
            // The first prompt's two calls; none for the nine after it.
            #expect(server.stats().requests(path: "/v1/chat/completions") <= 2)
        }
    }

    @Test func prefabSampleStopsWritesNothingAndExitsFive() async throws {
        try await Self.withKeyedSimulator { server in
            let directory = try JudgingFixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let config = SampleCommandTests.config(port: server.baseURL)
                .replacingOccurrences(of: "{name: sim, ", with: "{name: sim, api_key_env: \(Self.keyVariable), ")
            try config.write(toFile: directory + "/sample.yaml", atomically: true, encoding: .utf8)
            let result = try await runProcess(
                SampleCommandTests.prefab(), ["sample", "--config", "sample.yaml", "--window", "2"],
                environment: [Self.keyVariable: Self.wrongKey, "PREFAB_HOME": directory + "/home"], currentDirectory: directory)
            #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
            let stops = result.stderr.split(separator: "\n").filter { $0.contains("prefab sample: stopped:") }
            #expect(stops.count == 1, "\(result.stderr)")
            #expect(stops.first?.contains("HTTP 401") == true && stops.first?.contains(Self.keyVariable) == true)
            #expect(!(result.stdout + result.stderr).contains(Self.wrongKey))
            // Nothing written, so no prompt is marked failed; only the calls in flight were made
            // (two prompts of two samples each at most, of 48 prompts).
            #expect(!FileManager.default.fileExists(atPath: directory + "/run/samples"))
            #expect(server.stats().requests(path: "/v1/chat/completions") <= 4)
        }
    }

    @Test func prefabJudgeStopsWithOneMessageAndExitsFive() async throws {
        try await Self.withKeyedSimulator { server in
            let directory = try JudgingFixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try JudgingFixtures.writeSamples(JudgingFixtures.samples(6), to: directory + "/samples")
            try "endpoints:\n  - {name: judge, provider: openai-compatible, base_url: \"\(server.baseURL)/v1\", model: sim-model, api_key_env: \(Self.keyVariable)}\n"
                .write(toFile: directory + "/endpoints.yaml", atomically: true, encoding: .utf8)
            let result = try await JudgingFixtures.run(
                ["judge", "--samples", directory + "/samples", "--judges", JudgingFixtures.ensembleFile("ultrafeedback"),
                 "--endpoints", directory + "/endpoints.yaml", "--no-cache", "--out", directory + "/rated"],
                environment: [Self.keyVariable: Self.wrongKey])
            #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
            let stops = result.stderr.split(separator: "\n").filter { $0.hasPrefix("prefab judge: stopped:") }
            #expect(stops.count == 1 && stops.first?.contains(Self.keyVariable) == true, "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains(Self.wrongKey))
            #expect(!FileManager.default.fileExists(atPath: directory + "/rated/\(JudgeStage.reportName)"))
        }
    }

    @Test func prefabEvalJudgesStopsWithOneMessageAndExitsFive() async throws {
        try await Self.withKeyedSimulator { server in
            let directory = try JudgingFixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try "endpoints:\n  - {name: judge, provider: openai-compatible, base_url: \"\(server.baseURL)/v1\", model: sim-model, api_key_env: \(Self.keyVariable)}\n"
                .write(toFile: directory + "/endpoints.yaml", atomically: true, encoding: .utf8)
            let result = try await JudgingFixtures.run(
                ["eval-judges", "--gold", JudgingFixtures.repository + "/datasets/judge-eval/gold.jsonl",
                 "--judges", JudgingFixtures.ensembleFile("ultrafeedback"), "--endpoints", directory + "/endpoints.yaml", "--no-cache"],
                environment: [Self.keyVariable: Self.wrongKey])
            #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
            let stops = result.stderr.split(separator: "\n").filter { $0.hasPrefix("prefab eval-judges: stopped:") }
            #expect(stops.count == 1 && stops.first?.contains(Self.keyVariable) == true, "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains(Self.wrongKey))
            // No report of pairs that all "failed": the run stopped instead.
            #expect(result.stdout.isEmpty, "\(result.stdout)")
        }
    }

    @Test func aJudgeStageStopsAtTheFirstRefusedKeyInsteadOfFailingEveryPrompt() async throws {
        try await Self.withKeyedSimulator { server in
            let judge = try JudgingFixtures.ensemble("ultrafeedback", server)
            await #expect(throws: EndpointError.self) {
                _ = try await judge.rate(JudgingFixtures.input(responses: ["Forty-two.", "42"]))
            }
        }
    }

    // MARK: The rules

    @Test func unauthorizedForbiddenAndAMissingModelAreFatalAndOtherErrorsAreNot() {
        func http(_ status: Int, _ message: String = "no") -> EndpointError { .http(endpoint: "e", status: status, message: message) }
        #expect(http(401).fatality == .authentication)
        #expect(http(403).fatality == .authentication)
        #expect(http(404, "The model 'gpt-nope' does not exist or you do not have access to it.").fatality == .unknownModel)
        #expect(http(404, "model: claude-nope").fatality == .unknownModel)
        #expect(http(404, "Unknown path /v2/chat").fatality == nil)
        for status in [400, 408, 413, 422, 429, 500, 503] { #expect(http(status).fatality == nil, "\(status)") }
        #expect(EndpointError.retriesExhausted(endpoint: "e", attempts: 2, last: http(401)).isFatal)
    }

    @Test func aBadRequestStopsOnlyWhenTheFirstCallsAllGetTheSameOne() {
        let bad = EndpointError.http(endpoint: "e", status: 400, message: "unknown field 'foo'")
        let other = EndpointError.http(endpoint: "e", status: 400, message: "prompt too long")
        let halt = EndpointHalt(shapeStreak: 3)
        #expect(halt.failed(endpoint: "e", error: bad, askedForSchema: false) == nil)
        #expect(halt.failed(endpoint: "e", error: other, askedForSchema: false) == nil)
        #expect(halt.failed(endpoint: "e", error: bad, askedForSchema: false) == nil)
        // Schema refusals are the judge's to handle: not counted.
        #expect(halt.failed(endpoint: "e", error: bad, askedForSchema: true) == nil)
        #expect(halt.failed(endpoint: "e", error: bad, askedForSchema: false) == nil)
        #expect(halt.failed(endpoint: "e", error: bad, askedForSchema: false)?.kind == .badRequest)

        // After one success the endpoint works: its 400s are the prompts' own.
        let working = EndpointHalt(shapeStreak: 3)
        working.succeeded(endpoint: "e")
        for _ in 0..<10 { #expect(working.failed(endpoint: "e", error: bad, askedForSchema: false) == nil) }
        #expect(working.stop == nil)
    }

    @Test func theFixNamesTheKeysVariableOrTheModelButNeverTheKey() {
        let configuration = EndpointConfiguration(
            name: "openai", provider: .openAICompatible, baseURL: "https://example.invalid/v1", model: "gpt-nope", apiKeyEnv: "OPENAI_API_KEY")
        let auth = EndpointStop(.http(endpoint: "openai", status: 401, message: "Incorrect API key provided."), fatality: .authentication, configuration: configuration)
        #expect(auth.fix.contains("OPENAI_API_KEY") && "\(auth)".contains("openai") && "\(auth)".contains("401"))
        let noKey = EndpointStop(.http(endpoint: "openai", status: 401, message: "no key"), fatality: .authentication, configuration: nil)
        #expect(noKey.fix.contains("api_key_env"))
        let model = EndpointStop(.http(endpoint: "openai", status: 404, message: "The model 'gpt-nope' does not exist"), fatality: .unknownModel, configuration: configuration)
        #expect(model.kind == .unknownModel && model.fix.contains("gpt-nope"))
    }
}
