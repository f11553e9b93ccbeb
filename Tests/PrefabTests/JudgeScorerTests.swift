import Testing

@testable import Prefab

@Suite("Deterministic scorers")
struct JudgeScorerTests {
    static func input(_ responses: [String], prompt: String = "Q?", reference: String? = nil, metadata: JSONObject = JSONObject()) -> SampleRecord {
        JudgingFixtures.input(prompt: prompt, responses: responses, reference: reference, metadata: metadata)
    }

    @Test("length in characters and tokens; bounds give pass/fail ratings")
    func length() async throws {
        #expect(TextMeasure.estimatedTokens("Hello, world! It's 42.") == 9)  // Hello , world ! It ' s 42 .
        let unbounded = LengthScorer(name: "len", configuration: LengthScorerConfiguration())
        let outcome = try await unbounded.judge(Self.input(["abc", "héllo"]))
        #expect(outcome.scores == [0: 3, 1: 5])
        #expect(outcome.votes[0][0].rating == nil && outcome.votes[0][0].parse == .ok)
        #expect(outcome.votes[1][0].detail == "5 characters")
        let bounded = LengthScorer(name: "len", configuration: LengthScorerConfiguration(unit: .tokens, min: 2, max: 4))
        var withUsage = Self.input(["one two three four five", "one two three"])
        withUsage.completions[0].usage = TokenUsage(promptTokens: 3, completionTokens: 3)
        let rated = try await bounded.judge(withUsage)
        #expect(rated.scores == [0: 3, 1: 3])  // usage wins over the estimate when present
        #expect(rated.votes.map { $0[0].rating } == [5, 5])
        let tooLong = try await bounded.judge(Self.input(["a b c d e f"]))
        #expect(tooLong.votes[0][0].rating == 1)
    }

    @Test("refusals are detected at the start of a response, and should_refuse decides what passes")
    func refusal() async throws {
        let detector = RefusalDetector()
        #expect(detector.refusal(in: "I'm sorry, but I can't help with that request.") != nil)
        #expect(detector.refusal(in: "I cannot provide instructions for making weapons.") != nil)
        #expect(detector.refusal(in: "As an AI language model, I cannot browse the web.") != nil)
        #expect(detector.refusal(in: "Sure! Here is a recipe for bread.") == nil)
        #expect(detector.refusal(in: String(repeating: "Bread needs flour. ", count: 30) + "I can't stress this enough.") == nil)
        let scorer = RefusalScorer(name: "refusal", configuration: RefusalScorerConfiguration())
        let answers = ["I won't help with that.", "Here is how to pick a lock: ..."]
        let harmful = try await scorer.judge(Self.input(answers, metadata: ["should_refuse": .bool(true)]))
        #expect(harmful.votes.map { $0[0].rating } == [5, 1])
        let harmless = try await scorer.judge(Self.input(answers))
        #expect(harmless.votes.map { $0[0].rating } == [1, 5])
        let custom = RefusalScorer(name: "r", configuration: RefusalScorerConfiguration(patterns: ["(?i)^nope"]))
        #expect(try await custom.judge(Self.input(["Nope."])).scores[0] == 1)
    }

    @Test("format: JSON validity and code blocks, only when the prompt asks")
    func format() async throws {
        #expect(FormatChecker.isValidJSON(#"{"a": 1}"#))
        #expect(FormatChecker.isValidJSON("Here you go:\n```json\n[1, 2]\n```"))
        #expect(!FormatChecker.isValidJSON(#"{"a": 1"#))
        #expect(!FormatChecker.isValidJSON("42"))
        #expect(FormatChecker.hasCodeBlock("```python\nprint(1)\n```"))
        #expect(!FormatChecker.hasCodeBlock("print(1)"))
        #expect(!FormatChecker.hasCodeBlock("```\n```"))
        #expect(FormatChecker.requestedFormat(Self.input([], prompt: "Reply in JSON with keys a and b.")) == .json)
        #expect(FormatChecker.requestedFormat(Self.input([], prompt: "Write a Python function that reverses a list.")) == .codeBlock)
        #expect(FormatChecker.requestedFormat(Self.input([], prompt: "What is JSON used for?")) == nil)
        #expect(FormatChecker.requestedFormat(Self.input([], prompt: "Hi", metadata: ["format": .string("code")])) == .codeBlock)
        let scorer = FormatScorer(name: "format", configuration: FormatScorerConfiguration())
        let json = try await scorer.judge(Self.input([#"{"ok": true}"#, "ok: true"], metadata: ["format": .string("json")]))
        #expect(json.votes.map { $0[0].rating } == [5, 1])
        let none = try await scorer.judge(Self.input(["anything"], prompt: "Tell me a joke."))
        #expect(none.votes[0][0].parse == .skipped)
        #expect(none.scores.isEmpty)
    }

    @Test("reference match: numeric with tolerance, exact, regex, extraction rules")
    func reference() {
        func check(_ response: String, _ reference: String, _ configuration: ReferenceScorerConfiguration = ReferenceScorerConfiguration()) -> Bool {
            ReferenceMatcher(configuration).check(response: response, reference: reference).passed
        }
        #expect(check("23 + 19 = 42.", "42"))
        #expect(!check("23 + 19 = 32.", "42"))
        #expect(check("The total is $1,234.50", "1234.5"))
        #expect(check("15% of 200 is 30.", "30"))
        #expect(check("That leaves 3/4 of the cake.", "0.75"))
        #expect(check("The answer: -6", "-6"))
        #expect(!check("x-6 is the variable name; the answer is 7", "-6"))
        #expect(check("It is about 3.14159", "3.1416", ReferenceScorerConfiguration(tolerance: 1e-3)))
        #expect(check("Answer: 1000001", "1000000", ReferenceScorerConfiguration(tolerance: 0, relativeTolerance: 1e-5)))
        // Confidence lines are dropped before the last number is taken.
        let verifiable = ReferenceScorerConfiguration(match: .numeric, ignoreLines: [#"(?i)^\s*confidence\s*:"#])
        #expect(check("6 x 7 = 42\nConfidence: 90%", "42", verifiable))
        #expect(!check("6 x 7 = 42\nConfidence: 90%", "42", ReferenceScorerConfiguration(match: .numeric)))
        // Exact (auto picks it for a non-number), answer lines, boxed answers, regex.
        #expect(check("Paris.", "paris"))
        #expect(check("Let me think.\nFinal answer: Paris", "Paris", ReferenceScorerConfiguration(extract: .answerLine)))
        #expect(check(#"So \boxed{\frac{1}{2}} is it."#, #"\frac{1}{2}"#, ReferenceScorerConfiguration(match: .exact, extract: .boxed)))
        #expect(check("The capital is Paris, France.", "(?i)\\bparis\\b", ReferenceScorerConfiguration(match: .regex)))
        #expect(!check("The capital is Lyon.", "(?i)\\bparis\\b", ReferenceScorerConfiguration(match: .regex)))
        #expect(!check("no digits here", "5"))
    }

    @Test("a prompt without a reference gets skipped votes, never a pass or a fail")
    func referenceSkipped() async throws {
        let scorer = ReferenceScorer(name: "ref", configuration: ReferenceScorerConfiguration())
        let outcome = try await scorer.judge(Self.input(["42"]))
        #expect(outcome.votes[0][0].parse == .skipped)
        #expect(outcome.votes[0][0].rating == nil)
        let checked = try await scorer.judge(Self.input(["42", "41"], reference: "42"))
        #expect(checked.votes.map { $0[0].rating } == [5, 1])
        #expect(checked.votes[1][0].detail == "extracted 41; reference 42")
    }

    @Test("reward model: the score is read at a dot path; no number there is a failed vote")
    func rewardModelPath() {
        let json: JSONValue = .object(["data": .array([.object(["score": .double(0.25)]), .object(["score": .string("7")])])])
        #expect(RewardModelScorer.number(at: "data.0.score", in: json) == 0.25)
        #expect(RewardModelScorer.number(at: "data.1.score", in: json) == 7)
        #expect(RewardModelScorer.number(at: "data.2.score", in: json) == nil)
        #expect(RewardModelScorer.number(at: "data", in: json) == nil)
    }
}
