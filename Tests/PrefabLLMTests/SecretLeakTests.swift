import Foundation
import PrefabSimulator
import Testing
@testable import PrefabLLM

/// The API key reaches the server and nothing else: not errors, not logs, not the cache file.
@Suite struct SecretLeakTests {
    static let key = "sk-prefab-LEAKCHECK-7f3a9c2e5d1b4860"
    static let variable = "PREFAB_TEST_LEAKCHECK_KEY"

    @Test func theKeyNeverAppearsInErrorsLogsOrTheCache() async throws {
        let directory = try TemporaryDirectory()
        let cachePath = directory.path + "/cache.sqlite"
        let logs = CapturedLogs()
        let environment = [Self.variable: Self.key]
        try await SimFixture.with(SimulatorConfiguration(apiKey: Self.key, threads: 2)) { sim in
            let cache = try ResponseCache(path: cachePath, logger: logs.logger("cache"))
            var errors: [String] = []

            // Accepted: the key reaches the server (OpenAI and Anthropic styles).
            for configuration in [sim.openAI(apiKeyEnv: Self.variable), sim.anthropic(apiKeyEnv: Self.variable)] {
                let client = try EndpointClient(configuration: configuration, logger: logs.logger(), environment: environment)
                let cached = CachedChatClient(client, cache: cache)
                _ = try await cached.chat(SimFixture.ask("Hello."))
                _ = try await cached.chat(SimFixture.ask("Hello."))
            }
            // Rejected by the server (the key is right, the server wants another).
            let wrong = try EndpointClient(
                configuration: sim.openAI("wrong", apiKeyEnv: Self.variable), logger: logs.logger(),
                environment: [Self.variable: Self.key + "-revoked"])
            do { _ = try await wrong.chat(SimFixture.ask("Hello.")) } catch { errors.append("\(error)") }
            // Retried and failed: every retry is logged.
            let failing = try EndpointClient(
                configuration: sim.openAI("failing", headers: ["x-sim-fault": "status=500"], apiKeyEnv: Self.variable),
                logger: logs.logger(), environment: environment)
            do { _ = try await failing.chat(SimFixture.ask("Hello.")) } catch { errors.append("\(error)"); errors.append(String(reflecting: error)) }
            // Unreachable server: a transport error.
            var unreachable = sim.openAI("unreachable", apiKeyEnv: Self.variable, retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.01))
            unreachable.baseURL = "http://127.0.0.1:9/v1"
            let nowhere = try EndpointClient(configuration: unreachable, logger: logs.logger(), environment: environment)
            do { _ = try await nowhere.chat(SimFixture.ask("Hello.")) } catch { errors.append("\(error)") }
            try await cache.close()

            #expect(errors.count == 4)
            #expect(errors[0].contains("401"))
            #expect(sim.server.stats().count(path: "/v1/chat/completions", status: 200) == 1)
            #expect(sim.server.stats().count(path: "/v1/messages", status: 200) == 1)
            for error in errors {
                #expect(!error.contains("LEAKCHECK"), "error leaks the key: \(error)")
            }
            #expect(!logs.all.isEmpty)
            for line in logs.all {
                #expect(!line.contains("LEAKCHECK"), "log line leaks the key: \(line)")
            }
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + file))
            #expect(bytes.range(of: Data("LEAKCHECK".utf8)) == nil, "\(file) contains the key")
        }
    }

    @Test func aMessageThatEchoesTheKeyIsScrubbed() {
        let key = APIKey(Self.key)
        let echoed = "Incorrect API key provided: \(Self.key). Also sk-prefab-LEAKCHECK-7f3a... was seen."
        let scrubbed = key.scrub(echoed)
        #expect(!scrubbed.contains("LEAKCHECK"))
        #expect(scrubbed.contains("Incorrect API key provided: <redacted>"))
        #expect("\(key)" == "<redacted>")
        #expect(String(reflecting: key) == "<redacted>")
    }

    @Test func aMissingKeyVariableIsNamedAndNoValueIsShown() throws {
        let configuration = EndpointConfiguration(
            name: "remote", provider: .openAICompatible, baseURL: "https://example.invalid/v1", model: "m",
            apiKeyEnv: "PREFAB_TEST_UNSET_KEY")
        do {
            _ = try EndpointClient(configuration: configuration, environment: [:])
            Issue.record("expected missingAPIKey")
        } catch {
            #expect(error.description.contains("PREFAB_TEST_UNSET_KEY"))
            #expect(error.description.contains("remote"))
        }
    }

    @Test func credentialHeadersInAConfigAreRefused() throws {
        let configuration = EndpointConfiguration(
            name: "remote", provider: .openAICompatible, baseURL: "https://example.invalid/v1", model: "m",
            headers: ["Authorization": "Bearer sk-literal"])
        #expect(throws: EndpointError.self) { try configuration.validate() }
    }
}
