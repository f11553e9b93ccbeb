import Foundation
import Testing

@testable import Prefab

@Suite("Judge configuration files")
struct JudgeConfigurationTests {
    static let clients: [String: any ChatClient] = ["judge": ScriptedChatClient([ScriptedChatClient.answer("Rating: 3")])]

    static func write(_ yaml: String) throws -> String {
        let directory = try JudgingFixtures.temporaryDirectory()
        let path = directory + "/ensemble.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func loadError(_ yaml: String) throws -> String {
        let path = try write(yaml)
        do {
            _ = try JudgeEnsemble.load(file: path, clients: clients, rubrics: JudgingFixtures.rubrics)
        } catch {
            return error.description
        }
        Issue.record("expected an error")
        return ""
    }

    @Test("every bundled rubric and ensemble loads", arguments: ["ultrafeedback", "jury", "pairwise", "verifiable"])
    func bundled(name: String) throws {
        let ensemble = try JudgeEnsemble.load(file: JudgingFixtures.ensembleFile(name), clients: Self.clients, rubrics: JudgingFixtures.rubrics)
        #expect(ensemble.configuration.name == name)
        // Found without being told where the rubrics are.
        _ = try JudgeEnsemble.load(file: JudgingFixtures.ensembleFile(name), clients: Self.clients)
    }

    @Test("the bundled rubrics follow the documented shape")
    func rubrics() throws {
        let honesty = try JudgingFixtures.rubrics.rubric(named: "honesty")
        #expect(honesty.scale.ratingScale == RatingScale(min: 1, max: 5, allowsNotApplicable: true))
        #expect(honesty.levels.map(\.score) == [1, 2, 3, 4, 5])
        let truthfulness = try JudgingFixtures.rubrics.rubric(named: "truthfulness")
        #expect(truthfulness.types?.noneCode == "0")
        #expect(truthfulness.types?.codes(for: []) == .success(["0"]))
        #expect(truthfulness.types?.codes(for: ["contradicts_world", "3"]) == .success(["1", "3"]))
        let overall = try JudgingFixtures.rubrics.rubric(named: "overall")
        #expect(overall.kind == .critique)
        #expect(overall.scale.max == 10)
    }

    @Test("mistakes are reported with the file, the line and the key path")
    func errors() throws {
        let base = """
            schema: 1
            name: broken
            judges:
              - name: j
                kind: llm
                endpoint: judge
                rubrics: [helpfulness]
                mode: multi
            """
        let typo = try Self.loadError(base + "\n    temprature: 0.5\naggregation: {method: median}\n")
        #expect(typo.contains("ensemble.yaml:9"))
        #expect(typo.contains("unknown key 'temprature'"))
        let mode = try Self.loadError(base.replacingOccurrences(of: "mode: multi", with: "mode: triple") + "\naggregation: {method: median}\n")
        #expect(mode.contains("judges[0].mode"))
        let rubric = try Self.loadError(base.replacingOccurrences(of: "[helpfulness]", with: "[helpfulnes]") + "\naggregation: {method: median}\n")
        #expect(rubric.contains("judges[0].rubrics[0]"))
        #expect(rubric.contains("unknown rubric 'helpfulnes'"))
        let endpoint = try Self.loadError(base.replacingOccurrences(of: "endpoint: judge", with: "endpoint: other") + "\naggregation: {method: median}\n")
        #expect(endpoint.contains("endpoint 'other'"))
        let critique = try Self.loadError(base + "\naggregation: {method: median, overall: critique}\n")
        #expect(critique.contains("aggregation.overall"))
        let weights = try Self.loadError(base + "\naggregation: {method: median, aspect_weights: {honesty: 1}}\n")
        #expect(weights.contains("aggregation.aspect_weights.honesty"))
        let kind = try Self.loadError(base.replacingOccurrences(of: "kind: llm", with: "kind: oracle") + "\naggregation: {method: median}\n")
        #expect(kind.contains("unknown kind 'oracle'"))
        let missing = try Self.loadError(base)
        #expect(missing.contains("missing required key 'aggregation'"))
    }

    @Test("a judge name used twice is reported at its second entry; an empty list asks for a judge")
    func repeatedAndMissingJudges() throws {
        let twice = try Self.loadError("""
            schema: 1
            name: twice
            judges:
              - {name: j, kind: length}
              - {name: j, kind: length}
            aggregation: {method: median}
            """)
        #expect(twice.contains("ensemble.yaml:5"), "\(twice)")
        #expect(twice.contains("judges[1].name"), "\(twice)")
        #expect(twice.contains("judge name 'j' is used twice"), "\(twice)")
        let none = try Self.loadError("schema: 1\nname: none\njudges: []\naggregation: {method: median}\n")
        #expect(none.contains("list at least one judge"), "\(none)")
    }

    @Test("the JSON schemas bound every text and put the rating first")
    func schemas() throws {
        let honesty = try JudgingFixtures.rubrics.rubric(named: "honesty")
        let helpfulness = try JudgingFixtures.rubrics.rubric(named: "helpfulness")
        let single = JudgeSchema.single(helpfulness, rationaleMaxChars: 120)
        #expect(String(decoding: single.canonicalBytes(), as: UTF8.self) == #"{"additionalProperties":false,"properties":{"rating":{"maximum":5,"minimum":1,"type":"integer"},"rationale":{"maxLength":120,"type":"string"},"types":{"items":{"enum":["clear_relevant","useful_detail","concise"],"type":"string"},"maxItems":3,"type":"array","uniqueItems":true}},"required":["rating","types","rationale"],"type":"object"}"#)
        let one = JudgeSchema.single(honesty, rationaleMaxChars: 80)
        #expect(JudgeSchema.multi(honesty, count: 3, rationaleMaxChars: 80) == .object([
            "type": .string("object"), "properties": .object(["A": one, "B": one, "C": one]),
            "required": .array([.string("A"), .string("B"), .string("C")]), "additionalProperties": .bool(false),
        ]))
        let text = String(decoding: one.canonicalBytes(), as: UTF8.self)
        #expect(text.contains(#""anyOf":[{"maximum":5,"minimum":1,"type":"integer"},{"enum":["N/A"],"type":"string"}]"#))
        #expect(text.contains(#""maxLength":80"#))
        let pairwise = String(decoding: JudgeSchema.pairwise(rationaleMaxChars: 100).canonicalBytes(), as: UTF8.self)
        #expect(pairwise.contains(#""enum":["A","B","TIE"]"#))
    }

    @Test("templates render the documented slots without HTML escaping, leaving absent ones out")
    func templates() throws {
        let rubric = try JudgingFixtures.rubrics.rubric(named: "truthfulness")
        let template = try JudgingFixtures.rubrics.template("single", relativeTo: "/")
        var input = JudgingFixtures.input(prompt: "Is 1 < 2 & 3 > 2?", responses: ["Yes: 1 < 2 & 3 > 2."])
        let shown = [JudgePromptContext.Shown(index: 1, label: "1", text: input.completions[0].response)]
        let plain = template.render(JudgePromptContext.make(input: input, rubric: rubric, shown: shown, rationaleMaxChars: 99, withReference: true))
        #expect(plain.contains("Is 1 < 2 & 3 > 2?"))
        #expect(plain.contains("Yes: 1 < 2 & 3 > 2."))
        #expect(plain.contains("at most 99 characters"))
        #expect(plain.contains("contradicts_world = "))
        #expect(!plain.contains("<reference>"))
        #expect(!plain.contains("Known facts"))
        input.reference = "Yes."
        input.metadata = ["world_knowledge": .string("2 is greater than 1.")]
        input.messages = [.system("Be brief."), .user("Is 1 < 2 & 3 > 2?")]
        let full = template.render(JudgePromptContext.make(input: input, rubric: rubric, shown: shown, rationaleMaxChars: 99, withReference: true))
        #expect(full.contains("<reference>\nYes.\n</reference>"))
        #expect(full.contains("Known facts (treat as true):\n2 is greater than 1."))
        #expect(full.contains("[system] Be brief.\n[user] Is 1 < 2 & 3 > 2?"))
        let hidden = template.render(JudgePromptContext.make(input: input, rubric: rubric, shown: shown, rationaleMaxChars: 99, withReference: false))
        #expect(!hidden.contains("<reference>"))
    }
}
