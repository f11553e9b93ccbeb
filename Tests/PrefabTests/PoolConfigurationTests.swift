import Foundation
import Testing
@testable import Prefab

/// The sampling config: decoding, defaults, and every mistake reported with its line.
@Suite struct PoolConfigurationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/input").standardizedFileURL

    /// A config whose `pool:` block is `pool` (indented by the caller) and principles are the fixtures.
    static func yaml(pool: String, principles: String = "principles: {directory: principles}", extra: String = "") -> String {
        """
        seed: 1
        endpoints:
          - {name: sim, provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", model: m}
        pool:
        \(pool)
        \(principles)
        \(extra)
        """
    }

    static let twoModels = """
          models:
            - {name: a, endpoint: sim}
            - {name: b, endpoint: sim, weight: 2}
        """

    static func load(_ text: String) throws(ConfigError) -> SamplingSetup {
        let document = try ConfigDocument(yaml: text, file: "test.yaml", directory: fixtures)
        return try SamplingSetup.resolve(try document.decode(SamplingConfiguration.self), in: document)
    }

    static func error(_ text: String) -> ConfigError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsTheFixtureConfigWithItsRelativePaths() throws {
        let setup = try SamplingSetup.load(file: Self.fixtures.appendingPathComponent("configs/valid.yaml").path)
        let config = setup.configuration
        #expect(config.seed == 7)
        #expect(config.pool.models.map(\.name) == ["cold", "warm", "hot"])
        #expect(config.pool.models[0].model == "cold-model")
        #expect(config.pool.models[0].parameters.temperature == 0.2)
        #expect(config.pool.models[0].parameters.maxTokens == 64)
        #expect(config.pool.models[1].limits.maxConcurrent == 2)
        #expect(config.pool.select == .count(2))
        #expect(setup.promptsPath == Self.fixtures.appendingPathComponent("prompts/valid.jsonl").path)
        #expect(setup.samplesDirectory?.hasSuffix("/.build/test-out/samples") == true)
        #expect(setup.principles.names == ["helpfulness", "honesty", "none", "verbalized_calibration"])
        #expect(config.principles.mix["flan"]?.probabilities["helpfulness"] == 0.8)
    }

    @Test func defaultsAreAllModelsOneSampleAndAUniformMix() throws {
        let setup = try Self.load(Self.yaml(pool: Self.twoModels))
        #expect(setup.configuration.pool.select == .all)
        #expect(setup.configuration.pool.samplesPerModel == 1)
        let mix = setup.configuration.principles.mix(for: "anything", library: setup.principles)
        #expect(mix.weights == ["helpfulness": 1, "honesty": 1, "verbalized_calibration": 1])
    }

    @Test func anUnknownKeyNamesItsLineAndTheKeysAccepted() throws {
        let text = Self.yaml(pool: """
              models:
                - name: a
                  endpoint: sim
                  temprature: 0.3
            """)
        let error = try #require(Self.error(text))
        #expect(error.line == 8)
        #expect(error.path == "pool.models[0].temprature")
        #expect(error.message.contains("unknown key 'temprature'"))
        #expect(error.message.contains("parameters"))
        #expect(error.description.hasPrefix("test.yaml:8:"))
    }

    @Test func anUnknownTopLevelKeyIsAnErrorButLaterStagesKeysAreNot() throws {
        #expect(throws: Never.self) { try Self.load(Self.yaml(pool: Self.twoModels, extra: "judges: j.yaml\npairing: {}")) }
        let error = try #require(Self.error(Self.yaml(pool: Self.twoModels, extra: "sede: 3")))
        #expect(error.path == "sede")
        #expect(error.line == 9)
    }

    @Test func anUnknownEndpointNamesTheModelsLine() throws {
        let text = Self.yaml(pool: """
              models:
                - {name: a, endpoint: sim}
                - {name: b, endpoint: nowhere}
            """)
        let error = try #require(Self.error(text))
        #expect(error.line == 7)
        #expect(error.path == "pool.models[1].endpoint")
        #expect(error.message.contains("unknown endpoint 'nowhere'"))
        #expect(error.message.contains("sim"))
    }

    @Test func aWrongTypeSaysWhatWasExpected() throws {
        let text = Self.yaml(pool: """
              models:
                - {name: a, endpoint: sim, weight: heavy}
            """)
        let error = try #require(Self.error(text))
        #expect(error.line == 6)
        #expect(error.path == "pool.models[0].weight")
        #expect(error.message.contains("expected a number"))
        #expect(error.message.contains("'heavy'"))
    }

    @Test func aMissingKeyNamesTheEnclosingEntry() throws {
        let text = Self.yaml(pool: """
              models:
                - {name: a}
            """)
        let error = try #require(Self.error(text))
        #expect(error.line == 6)
        #expect(error.message.contains("missing required key 'endpoint'"))
    }

    @Test func poolRulesAreCheckedWithTheirLines() throws {
        let cases: [(pool: String, line: Int, fragment: String)] = [
            ("""
                  models:
                    - {name: a, endpoint: sim}
                    - {name: a, endpoint: sim}
                """, 7, "already used"),
            (Self.twoModels + "\n  select: 3", 8, "select is 3 but the pool has only 2"),
            (Self.twoModels + "\n  select: none", 8, "'all'"),
            (Self.twoModels + "\n  samples_per_model: 0", 8, "at least 1"),
            (Self.twoModels + "\n  on_policy: {policy: c}", 8, "unknown model 'c'"),
            (Self.twoModels + "\n  best_of_n: {model: a, n: 0}", 8, "n must be at least 1"),
            (Self.twoModels + "\n  on_policy: {policy: a}\n  best_of_n: {model: a, n: 2}", 9, "cannot be combined"),
            (Self.twoModels + "\n  on_policy: {policy: a}\n  select: 2", 9, "besides the policy"),
            ("""
                  models:
                    - {name: a, endpoint: sim, weight: 0}
                """, 6, "weight must be"),
            ("""
                  models:
                    - {name: a, endpoint: sim, parameters: {n: 4}}
                """, 6, "samples_per_model"),
        ]
        for (pool, line, fragment) in cases {
            let error = try #require(Self.error(Self.yaml(pool: pool)), "\(pool)")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test func anUnknownPrincipleInTheMixNamesItsLine() throws {
        let text = Self.yaml(pool: Self.twoModels, principles: """
            principles:
              directory: principles
              mix:
                flan: {helpfulness: 0.5, harmlessness: 0.5}
            """)
        let error = try #require(Self.error(text))
        #expect(error.line == 11)
        #expect(error.path == "principles.mix.flan.harmlessness")
        #expect(error.message.contains("unknown principle 'harmlessness'"))
        #expect(error.message.contains("helpfulness, honesty, none"))
    }

    @Test func aMixNeedsAPositiveWeight() throws {
        let text = Self.yaml(pool: Self.twoModels, principles: """
            principles:
              directory: principles
              mix: {default: {helpfulness: 0, honesty: -1}}
            """)
        let error = try #require(Self.error(text))
        #expect(error.line == 10)
        #expect(error.message.contains("≥ 0"))
    }

    @Test func aMissingPrinciplesDirectoryIsReported() throws {
        let text = Self.yaml(pool: Self.twoModels, principles: "principles: {directory: no/such/dir}")
        let error = try #require(Self.error(text))
        #expect(error.path == "principles.directory")
        #expect(error.message.contains("no such directory"))
    }

    @Test func invalidYAMLReportsWhereTheParserStopped() throws {
        let error = try #require(Self.error("seed: 1\npool: [unclosed\nendpoints: []\n"))
        #expect(error.line != nil)
        #expect(error.message.contains("invalid YAML"))
    }

    @Test func anInvalidEndpointIsReportedAtItsEntry() throws {
        let text = """
            endpoints:
              - {name: x, provider: openai-compatible, base_url: "ftp://host", model: m}
            pool:
              models: [{name: a, endpoint: x}]
            """
        let error = try #require(Self.error(text))
        #expect(error.line == 2)
        #expect(error.message.contains("base_url"))
    }

    @Test func theConfigRoundTripsThroughItsEncoding() throws {
        let setup = try SamplingSetup.load(file: Self.fixtures.appendingPathComponent("configs/valid.yaml").path)
        let data = try JSONEncoder().encode(setup.configuration)
        let back = try JSONDecoder().decode(SamplingConfiguration.self, from: data)
        #expect(back == setup.configuration)
    }
}
