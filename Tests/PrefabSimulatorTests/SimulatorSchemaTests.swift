import Foundation
import PrefabTestSupport
import PrefabShards
@testable import PrefabSimulator
import Testing

@Suite struct SimulatorSchemaTests {
    static let judgeSchema = #"""
    {"type":"object","properties":{"ratings":{"type":"array","minItems":4,"maxItems":4,"items":{
      "type":"object","properties":{"rating":{"type":"integer","minimum":1,"maximum":5},
      "rationale":{"type":"string","maxLength":200}},"required":["rating","rationale"],
      "additionalProperties":false}}},"required":["ratings"],"additionalProperties":false}
    """#

    static let richSchema = #"""
    {"type":"object","$defs":{"Point":{"type":"object","properties":{"x":{"type":"number","minimum":-1,"maximum":1},
      "y":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":0.5}},"required":["x","y"],"additionalProperties":false}},
     "properties":{
      "verdict":{"type":"string","enum":["A","B","tie"]},
      "version":{"const":3},
      "confident":{"type":"boolean"},
      "note":{"type":["string","null"],"minLength":5,"maxLength":12},
      "nothing":{"type":"null"},
      "tags":{"type":"array","items":{"type":"string","maxLength":10},"minItems":2,"maxItems":3},
      "score":{"anyOf":[{"type":"integer","minimum":10,"maximum":20},{"type":"string"}]},
      "choice":{"oneOf":[{"type":"integer","minimum":100,"maximum":100},{"type":"string","maxLength":0}]},
      "origin":{"$ref":"#/$defs/Point"},
      "nested":{"type":"object","properties":{"inner":{"type":"object","properties":{"depth":{"type":"integer","minimum":2,"maximum":2}},
        "required":["depth"],"additionalProperties":false}},"required":["inner"],"additionalProperties":false},
      "counts":{"type":"object","additionalProperties":{"type":"integer","minimum":0,"maximum":9}},
      "step":{"type":"integer","minimum":1,"maximum":50,"multipleOf":7},
      "when":{"type":"string","format":"date"},
      "tight":{"type":"string","minLength":3,"maxLength":3}
     },
     "required":["verdict","version","confident","note","nothing","tags","score","choice","origin","nested","counts","step","when","tight"],
     "additionalProperties":false}
    """#

    private func schemaRequest(_ schema: String, prompt: String, extra: String = "") -> String {
        let format = #""response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":\#(schema)}}"#
        return SimulatorHarness.chatBody(prompt, extra.isEmpty ? format : format + "," + extra)
    }

    @Test(arguments: [judgeSchema, richSchema])
    func schemaAnswersOverHTTPAreValidAndDeterministic(schema: String) async throws {
        let validator = SimulatorSchemaValidator(root: try SimulatorTestJSON.parse(schema))
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/chat/completions"
            let exchange = try await SimulatorHarness.curl(url, json: schemaRequest(schema, prompt: "Rate the four answers.", extra: #""n":3,"seed":1"#))
            #expect(exchange.status == 200, "\(exchange.text)")
            let view = try SimulatorHarness.ChatView(exchange)
            var contents: [String] = []
            for index in 0..<3 {
                let content = try #require(view.content(index))
                let violations = validator.violations(of: try SimulatorTestJSON.parse(content))
                #expect(violations.isEmpty, "\(violations) in \(content)")
                #expect(view.finishReason(index) == "stop")
                contents.append(content)
            }
            #expect(Set(contents).count == 3, "choices differ")
            let again = try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(url, json: schemaRequest(schema, prompt: "Rate the four answers.", extra: #""n":3,"seed":1"#))
            )
            #expect(again.content(0) == contents[0])
            #expect(server.stats().structuredRequests == 2)
        }
    }

    @Test func generatedValuesAreValidForManyRequests() throws {
        for schema in [Self.judgeSchema, Self.richSchema] {
            let root = try JSONValue(parsing: schema)
            let validator = SimulatorSchemaValidator(root: try SimulatorTestJSON.parse(schema))
            var ratings = Set<Int>()
            for seed in 0..<300 {
                var generator = SchemaValueGenerator(
                    root: root, text: TextGenerator(prompt: "prompt \(seed) about rivers"),
                    generator: SplitMix64(seed: UInt64(seed))
                )
                let text = generator.generate().serialized()
                let value = try SimulatorTestJSON.parse(text)
                let violations = validator.violations(of: value)
                #expect(violations.isEmpty, "\(violations) in \(text)")
                if case .array(let list)? = value["ratings"] {
                    for item in list { if case .int(let rating)? = item["rating"] { ratings.insert(rating) } }
                }
                if !violations.isEmpty { break }
            }
            if schema == Self.judgeSchema { #expect(ratings == [1, 2, 3, 4, 5], "ratings vary over the whole scale") }
        }
    }

    @Test func jsonObjectFormatAnswersAJSONObject() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions",
                json: SimulatorHarness.chatBody("Reply in JSON.", #""response_format":{"type":"json_object"}"#)
            )
            let content = try #require(try SimulatorHarness.ChatView(exchange).content())
            guard case .object = try SimulatorTestJSON.parse(content) else {
                Issue.record("not an object: \(content)")
                return
            }
        }
    }

    @Test func tooFewTokensCutTheJSONAndSayLength() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions",
                json: schemaRequest(Self.judgeSchema, prompt: "Rate.", extra: #""max_tokens":3"#)
            )
            let view = try SimulatorHarness.ChatView(exchange)
            #expect(view.finishReason() == "length")
            #expect((try? SimulatorTestJSON.parse(try #require(view.content()))) == nil, "a cut answer is not valid JSON")
        }
    }

    @Test func unparseableFaultAnswersProseDespiteTheSchema() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions",
                json: schemaRequest(Self.judgeSchema, prompt: "Rate."),
                headers: ["x-sim-fault": "unparseable"]
            )
            #expect(exchange.status == 200)
            let content = try #require(try SimulatorHarness.ChatView(exchange).content())
            #expect((try? SimulatorTestJSON.parse(content)) == nil)
            #expect(server.stats().faults["unparseable"] == 1)
        }
    }

    @Test func refsResolveThroughDefinitionsAndAllOfMerges() throws {
        let schema = #"""
        {"definitions":{"Base":{"type":"object","properties":{"id":{"type":"integer","minimum":1,"maximum":1}},"required":["id"]}},
         "allOf":[{"$ref":"#/definitions/Base"},{"type":"object","properties":{"name":{"type":"string","maxLength":4}},"required":["name"]}]}
        """#
        var generator = SchemaValueGenerator(root: try JSONValue(parsing: schema), text: TextGenerator(prompt: ""), generator: SplitMix64(seed: 3))
        let value = generator.generate()
        #expect(value["id"] == .int(1))
        #expect((value["name"]?.stringValue?.count ?? 99) <= 4)
    }
}
