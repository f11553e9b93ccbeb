import Foundation
import Testing
@testable import PrefabLLM

/// Endpoint configs as files write them, their validation, and `local` resolution.
@Suite struct EndpointConfigurationTests {
    @Test func stopReadsOneStringOrAListAndIsLeftOutWhenUnset() throws {
        func decode(_ json: String) throws -> GenerationParameters {
            try JSONDecoder().decode(GenerationParameters.self, from: Data(json.utf8))
        }
        #expect(try decode("{\"stop\": \"###\"}").stop == ["###"])
        #expect(try decode(#"{"stop": ["a", "b"]}"#).stop == ["a", "b"])
        #expect(try decode(#"{"stop": null}"#).stop == nil)
        #expect(try decode(#"{"temperature": 1}"#).stop == nil)
        #expect(throws: DecodingError.self) { try decode(#"{"stop": 3}"#) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(GenerationParameters(temperature: 1)), as: UTF8.self) == #"{"temperature":1}"#)
        #expect(String(decoding: try encoder.encode(GenerationParameters(stop: ["x"])), as: UTF8.self) == #"{"stop":["x"]}"#)
    }

    @Test func decodesSnakeCaseFieldsWithDefaultsForTheRest() throws {
        let json = """
            {"name": "gpt", "provider": "openai", "base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini",
             "api_key_env": "OPENAI_API_KEY", "parameters": {"temperature": 0.8, "max_tokens": 512, "stop": "###",
             "response_format": {"type": "json_object"}},
             "limits": {"max_concurrent": 8, "tokens_per_minute": 200000},
             "price": {"input_per_million": 0.15, "output_per_million": 0.6},
             "retry": {"max_attempts": 3}, "timeouts": {"request": 120}}
            """
        let configuration = try JSONDecoder().decode(EndpointConfiguration.self, from: Data(json.utf8))

        #expect(configuration.provider == .openAICompatible)
        #expect(configuration.apiKeyEnv == "OPENAI_API_KEY")
        #expect(configuration.parameters.temperature == 0.8)
        #expect(configuration.parameters.maxTokens == 512)
        #expect(configuration.parameters.stop == ["###"])
        #expect(configuration.parameters.responseFormat == .jsonObject)
        #expect(configuration.limits.maxConcurrent == 8)
        #expect(configuration.limits.tokensPerMinute == 200000)
        #expect(configuration.limits.adaptive)
        #expect(configuration.price == Price(inputPerMillion: 0.15, outputPerMillion: 0.6))
        #expect(configuration.retry.maxAttempts == 3)
        #expect(configuration.retry.initialDelay == RetryPolicy().initialDelay)
        #expect(configuration.timeouts.request == 120)
        #expect(configuration.timeouts.connect == Timeouts().connect)
        #expect(configuration.anthropicVersion == "2023-06-01")
        try configuration.validate()
    }

    @Test func encodingRoundTrips() throws {
        let configuration = EndpointConfiguration(
            name: "c", provider: .anthropic, baseURL: "https://api.anthropic.com/v1", model: "claude",
            parameters: GenerationParameters(temperature: 0.3, responseFormat: .jsonSchema(name: "x", schema: .object([:]), strict: false)),
            apiKeyEnv: "ANTHROPIC_API_KEY", price: Price(inputPerMillion: 3, outputPerMillion: 15))
        let decoded = try JSONDecoder().decode(EndpointConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(decoded == configuration)
    }

    @Test func anUnknownProviderIsRejectedByName() {
        let json = #"{"name": "x", "provider": "bard", "base_url": "http://h/v1", "model": "m"}"#
        do {
            _ = try JSONDecoder().decode(EndpointConfiguration.self, from: Data(json.utf8))
            Issue.record("expected a decoding error")
        } catch {
            #expect("\(error)".contains("bard"))
        }
    }

    @Test(arguments: [
        ("base_url", EndpointConfiguration(name: "e", provider: .openAICompatible, model: "m")),
        ("model", EndpointConfiguration(name: "e", provider: .openAICompatible, baseURL: "http://h/v1")),
        ("base_url", EndpointConfiguration(name: "e", provider: .openAICompatible, baseURL: "h/v1", model: "m")),
        ("api_key_env", EndpointConfiguration(name: "e", provider: .openAICompatible, baseURL: "http://h/v1", model: "m", apiKeyEnv: "KEY=sk-1")),
        ("max_concurrent", EndpointConfiguration(name: "e", provider: .openAICompatible, baseURL: "http://h/v1", model: "m", limits: EndpointLimits(maxConcurrent: 0))),
    ])
    func invalidFieldsAreNamed(field: String, configuration: EndpointConfiguration) {
        do {
            try configuration.validate()
            Issue.record("expected \(field) to be refused")
        } catch {
            #expect(error.description.contains(field))
            #expect(error.description.contains("'e'"))
        }
    }

    @Test func localResolvesFromTheServerStateFile() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/local", withIntermediateDirectories: true)
        let state = #"{"pid": \#(getpid()), "port": 18081, "base_url": "http://127.0.0.1:18081/v1", "model": "smollm2-135m-instruct"}"#
        try Data(state.utf8).write(to: URL(fileURLWithPath: directory.path + "/local/server.json"))

        let client = try EndpointClient(
            configuration: EndpointConfiguration(name: "local", provider: .local),
            environment: ["PREFAB_HOME": directory.path])

        #expect(client.identity.model == "smollm2-135m-instruct")
        // The port changes between runs; the cache identity must not.
        #expect(client.identity.baseURL == "local")
        #expect(client.identity.provider == "local")
    }

    @Test func localWithoutAStateFileSaysWhereItLooked() throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try EndpointClient(
                configuration: EndpointConfiguration(name: "local", provider: .local),
                environment: ["PREFAB_HOME": directory.path])
            Issue.record("expected localServerUnavailable")
        } catch {
            #expect(error.description.contains(directory.path + "/local/server.json"))
        }
    }

    @Test func localWithADeadServerProcessIsReportedAsStale() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/local", withIntermediateDirectories: true)
        // PIDs are below 2^22 on Linux, so this one cannot be running.
        let state = #"{"pid": 99999999, "port": 1, "base_url": "http://127.0.0.1:1/v1", "model": "m"}"#
        try Data(state.utf8).write(to: URL(fileURLWithPath: directory.path + "/local/server.json"))
        do {
            _ = try EndpointClient(
                configuration: EndpointConfiguration(name: "local", provider: .local),
                environment: ["PREFAB_HOME": directory.path])
            Issue.record("expected localServerUnavailable")
        } catch {
            #expect(error.description.contains("not running"))
        }
    }

    @Test func prefabHomeDefaultsToDotPrefabInTheCurrentDirectory() {
        let path = LocalServerState.path(environment: [:])
        #expect(path == FileManager.default.currentDirectoryPath + "/.prefab/local/server.json")
    }
}
