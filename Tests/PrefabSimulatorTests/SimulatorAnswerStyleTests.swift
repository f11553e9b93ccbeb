import Foundation
import PrefabTestSupport
import PrefabSimulator
import Testing

/// The `ultrafeedback-text` answer style: free-text UltraFeedback judge prompts (as distilabel's
/// UltraFeedback task sends them) get one rating section per text, which a parser working the way
/// distilabel's does (split on blank lines, then `Rating: …\nRationale: …` per section) reads.
@Suite struct SimulatorAnswerStyleTests {
    /// A judge prompt in the UltraFeedback annotation layout: a format description listing
    /// `<text K>` placeholders and the output headings, then the texts to rate.
    private static func judgePrompt(texts: [String], typed: Bool) -> String {
        var lines = ["# Assessment", "", "Rate each text from 1 to 5.", "", "## Format", "", "### Input", "Instruction: [goal]", "", "Texts:"]
        for index in texts.indices { lines.append("<text \(index + 1)> [Text \(index + 1)]") }
        lines += ["", "### Output"]
        for index in texts.indices {
            if index > 0 { lines.append("") }
            lines.append("#### Output for Text \(index + 1)")
            if typed { lines += ["Type: [types]", "Rationale: [rationale]"] }
            lines += ["Rating: [rating]", "Rationale: [rationale]"]
        }
        lines += ["", "---", "", "## Annotation", "", "### Input", "Instruction: Explain tides.", "", "Texts:"]
        for (index, text) in texts.enumerated() { lines.append("<text \(index + 1)> \(text)") }
        lines += ["", "### Output"]
        return lines.joined(separator: "\n")
    }

    private static func body(_ prompt: String, extra: [String: Any] = [:]) throws -> String {
        var object: [String: Any] = [
            "model": "judge-model",
            "messages": [
                ["role": "system", "content": "Evaluate the texts separately."],
                ["role": "user", "content": prompt],
            ],
            "temperature": 0.7,
            "max_tokens": 2048,
        ]
        object.merge(extra) { $1 }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Ratings as distilabel's UltraFeedback parser reads them: one entry per blank-line-separated
    /// section, nil where a section does not match; the first integer of the rating line.
    private static func parsedRatings(_ answer: String, typed: Bool) throws -> [Int?] {
        let pattern = typed ? #"Type: (.+?)\nRationale: (.+?)\nRating: (.+?)\nRationale: (.+)"# : #"Rating: (.+?)\nRationale: (.+)"#
        let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let number = try NSRegularExpression(pattern: #"\b\d+\b"#)
        return answer.components(separatedBy: "\n\n").map { section -> Int? in
            let range = NSRange(section.startIndex..., in: section)
            guard let match = regex.firstMatch(in: section, range: range) else { return nil }
            let group = match.range(at: typed ? 3 : 1)
            let ratingText = (section as NSString).substring(with: group)
            guard let digits = number.firstMatch(in: ratingText, range: NSRange(ratingText.startIndex..., in: ratingText)) else { return nil }
            return Int((ratingText as NSString).substring(with: digits.range))
        }
    }

    private static let fourTexts = [
        "The moon's gravity pulls the oceans.", "Tides come from wind.",
        "Gravity of the moon and sun, plus the earth's rotation.", "I am not sure.",
    ]

    @Test func fourTextPromptGetsFourParseableRatingsFromOneToFive() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(seed: 3, answerStyle: .ultraFeedbackText)) { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions", json: try Self.body(Self.judgePrompt(texts: Self.fourTexts, typed: false))
            )
            #expect(exchange.status == 200, "\(exchange.text)")
            let answer = try #require(try SimulatorHarness.ChatView(exchange).content())
            let ratings = try Self.parsedRatings(answer, typed: false)
            #expect(ratings.count == 4, "\(answer)")
            #expect(ratings.allSatisfy { $0.map { (1...5).contains($0) } ?? false }, "\(answer)")
            #expect(answer.hasPrefix("#### Output for Text 1\nRating: "))
            #expect(!answer.contains("Type:"))
        }
    }

    @Test func typedAspectsGetTypeLinesAndStillFourRatings() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(answerStyle: .ultraFeedbackText)) { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions", json: try Self.body(Self.judgePrompt(texts: Self.fourTexts, typed: true))
            )
            let answer = try #require(try SimulatorHarness.ChatView(exchange).content())
            let ratings = try Self.parsedRatings(answer, typed: true)
            #expect(ratings.count == 4, "\(answer)")
            #expect(ratings.allSatisfy { $0.map { (1...5).contains($0) } ?? false }, "\(answer)")
            #expect(answer.components(separatedBy: "\nType: ").count == 5)
        }
    }

    @Test func ratingsAreSeededAndVaryAcrossPrompts() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(seed: 11, answerStyle: .ultraFeedbackText)) { server in
            let url = server.baseURL + "/v1/chat/completions"
            func ratings(_ texts: [String]) async throws -> [Int?] {
                let exchange = try await SimulatorHarness.curl(url, json: try Self.body(Self.judgePrompt(texts: texts, typed: false)))
                return try Self.parsedRatings(try #require(try SimulatorHarness.ChatView(exchange).content()), typed: false)
            }
            let first = try await ratings(Self.fourTexts)
            #expect(try await ratings(Self.fourTexts) == first)
            var seen = Set(first.compactMap { $0 })
            for variant in 0..<8 {
                seen.formUnion(try await ratings(Self.fourTexts.map { $0 + " (\(variant))" }).compactMap { $0 })
            }
            #expect(seen.count >= 4, "ratings drawn from 1–5 should not all be alike: \(seen)")
        }
    }

    @Test func theHeaderChoosesTheStyleAndOtherPromptsStayProse() async throws {
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/chat/completions"
            let judge = try Self.body(Self.judgePrompt(texts: Array(Self.fourTexts.prefix(2)), typed: false))
            let plain = try #require(try SimulatorHarness.ChatView(try await SimulatorHarness.curl(url, json: judge)).content())
            #expect(!plain.contains("Rating:"), "the default style answers prose: \(plain)")

            let styled = try await SimulatorHarness.curl(url, json: judge, headers: ["x-sim-answer-style": "ultrafeedback-text"])
            let answer = try #require(try SimulatorHarness.ChatView(styled).content())
            #expect(try Self.parsedRatings(answer, typed: false).compactMap { $0 }.count == 2, "\(answer)")

            let question = try await SimulatorHarness.curl(
                url, json: SimulatorHarness.chatBody("Why is the sky blue?"), headers: ["x-sim-answer-style": "ultrafeedback-text"]
            )
            let prose = try #require(try SimulatorHarness.ChatView(question).content())
            #expect(!prose.contains("Rating:"))
            #expect(prose.split(separator: " ").count == 40)

            let bad = try await SimulatorHarness.curl(url, json: judge, headers: ["x-sim-answer-style": "stars"])
            #expect(bad.status == 400)
            #expect(bad.text.contains("ultrafeedback-text"), "\(bad.text)")
        }
    }

    @Test func schemaRequestsStillGetJSONForTheSchema() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(answerStyle: .ultraFeedbackText)) { server in
            let schema: [String: Any] = [
                "type": "object", "required": ["ratings"], "additionalProperties": false,
                "properties": ["ratings": ["type": "array", "items": ["type": "integer", "minimum": 1, "maximum": 5]]],
            ]
            let body = try Self.body(
                Self.judgePrompt(texts: Self.fourTexts, typed: false),
                extra: ["response_format": ["type": "json_schema", "json_schema": ["name": "r", "schema": schema]]]
            )
            let exchange = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body)
            let content = try #require(try SimulatorHarness.ChatView(exchange).content())
            let object = try #require(try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any])
            #expect(object["ratings"] is [Int], "\(content)")
        }
    }

    @Test func styleNamesParseAndUnknownOnesListTheChoices() throws {
        #expect(try SimulatorConfiguration.AnswerStyle(parsing: "ultrafeedback-text") == .ultraFeedbackText)
        #expect(try SimulatorConfiguration.AnswerStyle(parsing: " Plain ") == .plain)
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration.AnswerStyle(parsing: "stars") }
        do {
            _ = try SimulatorConfiguration.AnswerStyle(parsing: "stars")
        } catch {
            #expect(error.description.contains("plain, ultrafeedback-text"))
        }
    }
}
